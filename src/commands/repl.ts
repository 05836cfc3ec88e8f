/**
 * The interactive chat (`npm run chat`): node:readline/promises on stdin, the prompt and status on stderr, answers
 * streamed to stdout. Questions to the person during a turn (an order's confirmation, the login's Enter) share the
 * same readline, one at a time (terminal/questions.ts). Ctrl-C cancels the running turn and keeps the session; Ctrl-C
 * at an empty prompt or Ctrl-D exits. A failed turn costs that turn, not the session: the conversation before it is kept.
 */
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { runTurn, type TurnResult } from '../agent/loop.js';
import { CliError } from '../errors.js';
import { userNameFromProfile, type LoginOutcome } from '../login/kite-login.js';
import type { Complete, Usage } from '../model/openai-model.js';
import type { Runtime } from '../session.js';
import { DEFAULT_HISTORY_BUDGET_TOKENS, fitHistory } from '../agent/history-budget.js';
import { createConversationKeeper, type ConversationKeeper } from '../conversation/keeper.js';
import { createHistoryKeeper, HISTORY_SIZE, loadHistory, saveHistory } from '../terminal/input-history.js';
import { createPasteAwareInput, DISABLE_BRACKETED_PASTE, ENABLE_BRACKETED_PASTE, unfoldQuestion } from '../terminal/paste-input.js';
import { createPersonQuestions } from '../terminal/questions.js';
import { runSlashCommand, SLASH_COMMANDS } from './repl-commands.js';
import { createToolExecutor, type ToolExecutor } from '../tools/executor.js';
import { createTurnController } from '../agent/turn-signal.js';
import { createEventRenderer, createLoginScreen, cutOffWarning } from '../terminal/turn-view.js';
import type { Ui } from '../terminal/ui.js';
import { createWriteGate } from '../trading/write-gate.js';

export interface ReplDeps {
  runtime: Runtime;
  ui: Ui;
  io: { stdin: Readable & { isTTY?: boolean }; stderr: Writable & { isTTY?: boolean } };
  createModel: (model: string) => { complete: Complete; model: string };
}

export interface ReplState {
  model: { complete: Complete; model: string };
  messages: ChatCompletionMessageParam[];
  /** Every round's tokens, failed rounds included once the server had read the prompt. */
  usage: Usage;
  /** How many of those kite-chat counted itself, because the server sent none for a reply that failed. */
  estimatedTokens: number;
  userName: string | undefined;
  /** The questions, answers and tool calls kept for /save and --continue (conversation/keeper.ts). */
  conversation: ConversationKeeper;
}

export async function runRepl(deps: ReplDeps): Promise<number> {
  const { runtime, ui } = deps;
  const { config } = runtime;
  const terminal = deps.io.stdin.isTTY === true;
  // A pasted multi-line question arrives as one line with ␤ marks (terminal/paste-input.ts) instead of one turn per line.
  const paste = terminal ? createPasteAwareInput(deps.io.stdin) : undefined;
  const history = terminal ? await loadHistory(runtime.store) : [];
  const readline = createInterface({
    input: paste?.input ?? deps.io.stdin,
    output: deps.io.stderr,
    terminal,
    history,
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: (line: string) => completeSlash(line),
  });
  const historyKeeper = createHistoryKeeper(history, (lines) => {
    saveHistory(runtime.store, lines).catch(() => ui.warn(`Could not save the input history under ${config.home}.`));
  });
  readline.on('history', historyKeeper.onHistory);
  // Order confirmations and the login's Enter: one question at a time, on the last line, kept out of the history.
  const questions = createPersonQuestions({
    readLine: (prompt, signal) => historyKeeper.keepOut(() => readline.question(prompt, { signal })),
    holdForQuestion: () => ui.holdForQuestion(),
  });
  const state: ReplState = {
    model: deps.createModel(config.model),
    messages: [{ role: 'system', content: runtime.systemPrompt }],
    usage: { promptTokens: 0, completionTokens: 0 },
    estimatedTokens: 0,
    userName: undefined,
    conversation: createConversationKeeper({
      store: runtime.store, redact: runtime.redact, now: () => new Date(), model: () => state.model.model, warn: (line) => ui.warn(line),
    }),
  };
  let turn: AbortController | undefined;
  // readline/promises leaves a pending question unsettled when the interface closes; this signal settles it.
  const closed = new AbortController();
  if (paste !== undefined) deps.io.stderr.write(ENABLE_BRACKETED_PASTE);
  readline.on('close', () => {
    if (paste !== undefined) {
      deps.io.stderr.write(DISABLE_BRACKETED_PASTE);
      paste.release();
    }
    closed.abort();
    turn?.abort();
  });
  readline.on('SIGINT', () => {
    if (turn !== undefined) turn.abort();
    else if (readline.line === '') readline.close();
    else readline.write(null, { ctrl: true, name: 'u' }); // Ctrl-C on a half-typed line clears it, as shells do
  });

  const executor = createToolExecutor({
    connection: runtime.connection,
    catalog: runtime.catalog,
    classes: runtime.classes,
    localTools: runtime.localTools,
    mode: 'repl',
    trading: config.trading,
    confirmWrite: config.trading ? createWriteGate({ runtime, ui, ask: questions.ask }) : undefined,
    login: {
      openLink: runtime.openLink,
      screen: createLoginScreen(ui, { qr: config.qr }),
      waitForEnter: terminal ? async (question, signal) => void (await questions.ask(question, signal)) : undefined,
      timeoutMs: config.loginTimeoutSeconds * 1000,
    },
    serverUrl: config.url,
    toolTimeoutMs: config.toolTimeoutSeconds * 1000,
    onFatal: () => {},
    onLogin: (outcome: LoginOutcome) => {
      if (outcome.status === 'logged-in' || outcome.status === 'already') state.userName = outcome.userName;
    },
    onAudit: (entry) => runtime.audit({ mode: 'repl', ...entry }),
  });

  ui.status(banner(runtime, state.model.model));
  if (config.continueConversation) await continueConversation(state, ui);
  void showWhoIsLoggedIn(runtime, state, closed.signal);
  while (!closed.signal.aborted) {
    let line: string;
    try {
      line = await readline.question(promptText(ui, state, config.trading), { signal: closed.signal });
    } catch {
      break; // closed by Ctrl-D or Ctrl-C at the prompt
    }
    const text = unfoldQuestion(line).trim();
    if (text === '') continue;
    turn = createTurnController();
    try {
      if (text.startsWith('/')) {
        const next = await runSlashCommand(text, { runtime, ui, state, executor, createModel: deps.createModel, signal: turn.signal });
        if (next === 'exit') break;
      } else {
        await runUserTurn(text, state, { runtime, ui, executor, signal: turn.signal });
      }
    } catch (error) {
      reportTurnFailure(error, ui, turn.signal);
    } finally {
      turn = undefined;
    }
  }
  readline.close();
  await state.conversation.settled();
  return 0;
}

async function runUserTurn(
  text: string,
  state: ReplState,
  deps: { runtime: Runtime; ui: Ui; executor: ToolExecutor; signal: AbortSignal },
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
      tools: deps.runtime.offered('repl'),
      messages,
      onEvent: (event) => {
        if (event.type === 'usage') countUsage(state, event.usage, event.estimated);
        render(event);
      },
      signal: deps.signal,
      maxRounds: deps.runtime.config.maxRounds,
    });
  } finally {
    deps.ui.activity.stop();
    deps.ui.endAnswer();
  }
  render.drawPictures();
  state.messages = [...(result.trimmedHistory ?? messages), ...result.messages];
  state.conversation.record(text, result);
  if (result.cutOff) deps.ui.warn(cutOffWarning(deps.runtime.config.maxOutputTokens));
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

function countUsage(state: ReplState, usage: Usage, estimated: boolean): void {
  state.usage = {
    promptTokens: state.usage.promptTokens + usage.promptTokens,
    completionTokens: state.usage.completionTokens + usage.completionTokens,
  };
  if (estimated) state.estimatedTokens += usage.promptTokens + usage.completionTokens;
}

/** PEERS.md R20: the prompt line names the Kite account; a session resumed from an earlier run is often logged in. */
async function showWhoIsLoggedIn(runtime: Runtime, state: ReplState, signal: AbortSignal): Promise<void> {
  try {
    const session = await runtime.connection.session();
    const result = await session.callTool('get_profile', {}, { signal, timeoutMs: runtime.config.toolTimeoutSeconds * 1000 });
    const text = result.content.map((item) => item.text ?? '').join('');
    if (!result.isError) state.userName ??= userNameFromProfile(text);
  } catch {
    // not logged in yet, or the server is slow: the prompt says "not logged in" until a login says otherwise
  }
}

/** A failed turn is one line; the conversation before it is untouched. */
function reportTurnFailure(error: unknown, ui: Ui, signal: AbortSignal): void {
  if (signal.aborted) {
    ui.warn('(cancelled)');
    return;
  }
  if (error instanceof CliError) {
    ui.warn(error.message);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  ui.warn(`Unexpected error: ${message.split('\n', 1)[0] ?? ''} (run with NODE_DEBUG=kite-chat for details)`);
}

function banner(runtime: Runtime, model: string): string {
  const { config } = runtime;
  const mode = config.trading
    ? 'TRADING enabled: every order needs your typed confirmation'
    : 'read-only (start with --trading to place orders)';
  return `kite-chat · server ${config.url.origin}${config.url.pathname} · model ${model} · ${mode}\nType a question, /help for commands, Ctrl-D to leave.`;
}

function promptText(ui: Ui, state: ReplState, trading: boolean): string {
  const who = state.userName === undefined ? 'not logged in' : ui.inline(state.userName); // the server's text
  return `kite (${who}${trading ? ' · TRADING' : ''}) › `;
}

function completeSlash(line: string): [string[], string] {
  if (!line.startsWith('/')) return [[], line];
  const hits = SLASH_COMMANDS.map((command) => command.name).filter((name) => name.startsWith(line));
  return [hits, line];
}

