/**
 * The REPL's slash commands (CONTRACT.md "In the REPL"): /help, /tools, /login, /clear, /usage, /model, /save, /exit.
 * Each is a small function over the REPL's state; the table is also what tab completion offers.
 */
import { saveConversationFile } from '../conversation/save-file.js';
import { estimateCostUsd, PRICES_AS_OF } from '../model/pricing.js';
import type { Session } from '../session.js';
import type { Ui } from '../terminal/ui.js';
import type { ToolExecutor } from '../tools/executor.js';
import type { ChatModel, ReplState } from './repl-state.js';

interface SlashContext {
  session: Session;
  ui: Ui;
  state: ReplState;
  executor: ToolExecutor;
  createModel: (model: string) => ChatModel;
  signal: AbortSignal;
}

interface SlashCommand {
  name: string;
  help: string;
  run: (argument: string, context: SlashContext) => Promise<'exit' | void> | 'exit' | void;
}

export const SLASH_COMMANDS: readonly SlashCommand[] = [
  { name: '/help', help: 'this list', run: (_argument, { ui }) => showHelp(ui) },
  {
    name: '/tools',
    help: 'the server tools and whether they read or write',
    run: (_argument, { session, ui }) => {
      for (const line of session.tools.table()) ui.status(line);
    },
  },
  {
    name: '/login',
    help: 'log in to Kite now',
    run: async (_argument, { executor, ui, signal }) => {
      // The prompt's name is set by the executor's onLogin (commands/repl.ts), which hears every login outcome.
      const outcome = await executor.login(signal);
      if (outcome.status === 'logged-in' || outcome.status === 'already') {
        ui.status(`Logged in as ${ui.inline(outcome.userName)}.`);
      } else if (outcome.status === 'not-completed') {
        ui.warn('Kite login not completed: log in with the link above, then type /login again.');
      } else if (outcome.status === 'session-lost') {
        ui.warn('The connection to the Kite MCP server was lost before the login finished: type /login to try again.');
      } // refused or no-link: the refusal or the server's answer, with what to do, is already on screen
    },
  },
  {
    name: '/clear',
    help: 'forget the conversation (the Kite session and login stay)',
    run: (_argument, { state, ui }) => {
      state.messages = state.messages.slice(0, 1);
      state.conversation.clear(); // --continue must not bring it back
      ui.status('Conversation cleared.');
    },
  },
  { name: '/usage', help: 'tokens used and the estimated cost', run: (_argument, { state, ui }) => showUsage(state, ui) },
  {
    name: '/model',
    help: 'switch the chat model: /model NAME',
    run: (argument, { state, ui, createModel }) => {
      if (argument === '') {
        ui.status(`Model: ${state.model.model}. Switch with /model NAME.`);
        return;
      }
      state.model = createModel(argument);
      ui.status(`Model: ${argument}.`);
    },
  },
  {
    name: '/save',
    help: 'save the conversation as Markdown: /save [FILE]',
    run: async (argument, { state, ui }) => {
      const { turns, redact } = state.conversation;
      const saved = await saveConversationFile(argument, { turns, model: state.model.model, now: new Date(), redact });
      if (saved.ok) ui.status(saved.line);
      else ui.warn(saved.line);
    },
  },
  { name: '/exit', help: 'leave (Ctrl-D works too)', run: () => 'exit' },
];

export async function runSlashCommand(line: string, context: SlashContext): Promise<'exit' | void> {
  const [name = '', ...rest] = line.trim().split(/\s+/);
  const command = SLASH_COMMANDS.find((candidate) => candidate.name === name.toLowerCase());
  if (command === undefined) {
    context.ui.warn(`Unknown command ${name}. Type /help for the list.`);
    return undefined;
  }
  return command.run(rest.join(' '), context);
}

function showHelp(ui: Ui): void {
  for (const command of SLASH_COMMANDS) ui.status(`${command.name.padEnd(8)} ${command.help}`);
  ui.status('Ctrl-C cancels a running answer; Ctrl-C at an empty prompt or Ctrl-D leaves.');
}

function showUsage(state: ReplState, ui: Ui): void {
  const { promptTokens, completionTokens } = state.usage;
  const cost = estimateCostUsd(state.model.model, state.usage);
  const costText =
    cost === undefined ? 'unknown for this model' : `about $${cost.toFixed(4)} (OpenAI list prices of ${PRICES_AS_OF})`;
  const estimated = state.estimatedTokens === 0
    ? ''
    : ` (${state.estimatedTokens} of them estimated by kite-chat: a reply that failed part-way sent no counts)`;
  ui.status(`Tokens this session: ${promptTokens} in, ${completionTokens} out${estimated}. Estimated cost: ${costText}.`);
}
