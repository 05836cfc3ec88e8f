/**
 * The interactive chat (`npm run chat`): node:readline/promises on stdin, the prompt and status on stderr, answers
 * streamed to stdout. Questions to the person during a turn (an order's confirmation, the login's Enter) share the
 * same readline, one at a time (terminal/questions.ts). Ctrl-C cancels the running turn and keeps the session; Ctrl-C
 * at an empty prompt or Ctrl-D exits. A failed turn costs that turn, not the session: the conversation before it is kept.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { runTurn, type TurnResult } from '../agent/loop.js';
import { DEFAULT_HISTORY_BUDGET_TOKENS, fitHistory } from '../agent/history-budget.js';
import { elideAnsweredToolResults } from '../agent/stale-results.js';
import type { Config } from '../config/resolve.js';
import { createConversationKeeper } from '../conversation/keeper.js';
import { CliError, describeBug } from '../errors.js';
import { createRedactor, keySecrets } from '../redact.js';
import type { Session } from '../session.js';
import type { Store } from '../store.js';
import { joinWithinWidth } from '../terminal/display-width.js';
import { createEventRenderer, cutOffWarning } from '../terminal/turn-view.js';
import type { Ui } from '../terminal/ui.js';
import type { ToolExecutor } from '../tools/executor.js';
import { createWriteGate } from '../trading/write-gate.js';
import { runSlashCommand } from './repl-commands.js';
import { openPrompt, type PromptDeps, type ReplPrompt } from './repl-prompt.js';
import { countUsage, type ChatModel, type ReplState } from './repl-state.js';

interface ReplDeps extends PromptDeps {
  session: Session;
  config: Config;
  store: Store;
  createModel: (model: string) => ChatModel;
}

export async function runRepl(deps: ReplDeps): Promise<number> {
  const { session, config, ui } = deps;
  const prompt = await openPrompt(deps);
  // Keys, session ids and signed links out of what is kept (the conversation) and of what NODE_DEBUG shows.
  const redact = createRedactor({ values: keySecrets(config.apiKey) });
  const state: ReplState = {
    model: deps.createModel(config.model),
    messages: [{ role: 'system', content: session.systemPrompt }],
    usage: { promptTokens: 0, completionTokens: 0 },
    estimatedTokens: 0,
    userName: undefined,
    conversation: createConversationKeeper({
      store: deps.store,
      redact,
      now: () => new Date(),
      model: () => state.model.model,
      warn: (line) => ui.warn(line),
    }),
  };
  const executor = replExecutor(deps, prompt, state);
  ui.status(banner(config, state.model.model, ui));
  if (config.continueConversation) await continueConversation(state, ui);
  void showWhoIsLoggedIn(executor, state, prompt.closed);
  for (;;) {
    const text = await prompt.next(promptText(ui, state, config.trading));
    if (text === undefined) break;
    if (text === '') continue;
    const signal = prompt.startTurn();
    try {
      if (text.startsWith('/')) {
        const next = await runSlashCommand(text, { session, ui, state, executor, createModel: deps.createModel, signal });
        if (next === 'exit') break;
      } else {
        await runUserTurn(text, state, { session, config, ui, executor, signal });
      }
    } catch (error) {
      reportTurnFailure(error, { ui, mask: redact }, signal);
    } finally {
      prompt.endTurn();
    }
  }
  prompt.close();
  await state.conversation.settled();
  return 0;
}

/** The REPL's executor: orders go through the typed confirmation (with --trading), a login's Enter through the prompt. */
function replExecutor(deps: ReplDeps, prompt: ReplPrompt, state: ReplState): ToolExecutor {
  const { session, config, ui } = deps;
  const confirmWrite = createWriteGate({
    ui,
    ask: (question, signal) => prompt.questions.ask(question, signal),
    maxOrderValueRupees: config.maxOrderValueRupees,
    inputSchemaOf: (name) => session.tools.tools.find((tool) => tool.name === name)?.inputSchema,
  });
  return session.executor('repl', {
    confirmWrite,
    ...(prompt.terminal ? { waitForEnter: async (question, signal) => void (await prompt.questions.ask(question, signal)) } : {}),
    onLogin: (outcome) => {
      if (outcome.status === 'logged-in' || outcome.status === 'already') state.userName = outcome.userName;
    },
  });
}

async function runUserTurn(
  text: string,
  state: ReplState,
  deps: { session: Session; config: Config; ui: Ui; executor: ToolExecutor; signal: AbortSignal },
): Promise<void> {
  // The history is kept within its token budget before each turn (agent/history-budget.ts), so 300 turns cost no more per
  // request than 30; the trimmed copy is kept, so the prefix sent stays the same for the next few turns.
  const asked: ChatCompletionMessageParam[] = [...state.messages, { role: 'user', content: text }];
  const messages = fitHistory(asked, { maxTokens: DEFAULT_HISTORY_BUDGET_TOKENS }).messages;
  const render = createEventRenderer(deps.ui, { streamAnswer: true });
  let result: TurnResult;
  try {
    result = await runTurn({
      complete: state.model.complete,
      callTool: deps.executor.callTool,
      tools: deps.session.tools.offered('repl', deps.config.trading),
      messages,
      onEvent: (event) => {
        if (event.type === 'usage') countUsage(state, event.usage, event.estimated);
        render(event);
      },
      signal: deps.signal,
      maxRounds: deps.config.maxRounds,
    });
  } finally {
    deps.ui.activity.stop();
    deps.ui.endAnswer();
  }
  render.drawPictures();
  state.messages = elideAnsweredToolResults([...(result.trimmedHistory ?? messages), ...result.messages]);
  state.conversation.record(text, result);
  if (result.cutOff) deps.ui.warn(cutOffWarning(deps.config.maxOutputTokens));
  else if (result.stoppedBy === 'answer' && result.text.trim() === '') deps.ui.warn('(the model gave an empty answer)');
  // A figure in an answer that read nothing from Kite was made up or remembered, not looked up.
  else if (result.stoppedBy === 'answer' && result.toolCalls.length === 0) deps.ui.status('(answered without looking anything up)');
}

/** --continue: the kept questions and answers go back into the history; a damaged file costs one line, not the chat. */
async function continueConversation(state: ReplState, ui: Ui): Promise<void> {
  try {
    const resumed = await state.conversation.resume();
    state.messages.push(...resumed.messages);
    ui.status(resumed.notice);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    ui.warn(`Could not continue the last conversation: ${error.message} Starting a new one.`);
  }
}

/** PEERS.md R20: the prompt line names the Kite account; a session resumed from an earlier run is often logged in. */
async function showWhoIsLoggedIn(executor: ToolExecutor, state: ReplState, signal: AbortSignal): Promise<void> {
  const userName = await executor.currentUser(signal);
  if (userName !== undefined) state.userName ??= userName;
}

/** A failed turn is one line; the conversation before it is untouched. */
function reportTurnFailure(error: unknown, { ui, mask }: { ui: Ui; mask: (text: string) => string }, signal: AbortSignal): void {
  if (signal.aborted) {
    ui.warn('(cancelled)');
    return;
  }
  if (error instanceof CliError) {
    ui.warn(error.message);
    return;
  }
  ui.warn(`Unexpected error: ${describeBug(error, mask)}`);
}

/** Who kite-chat talks to and how; on a terminal, broken between its parts rather than wrapped mid-word. */
function banner(config: Config, model: string, ui: Ui): string {
  const mode = config.trading
    ? 'TRADING enabled: every order needs your typed confirmation'
    : 'read-only (start with --trading to place orders)';
  const parts = ['kite-chat', `server ${config.url.origin}${config.url.pathname}`, `model ${model}`, mode];
  const about = ui.interactive ? joinWithinWidth(parts, ' · ', ui.columns()) : parts.join(' · ');
  return `${about}\nType a question, /help for commands, Ctrl-D to leave.`;
}

function promptText(ui: Ui, state: ReplState, trading: boolean): string {
  const who = state.userName === undefined ? 'not logged in' : ui.inline(state.userName); // the server's text
  return `kite (${who}${trading ? ' · TRADING' : ''}) › `;
}
