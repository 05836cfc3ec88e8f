/**
 * The REPL's input side: node:readline/promises on stdin (prompt on stderr), bracketed paste on a terminal, the
 * saved input history, tab completion of slash commands, and the queue of questions to the person during a turn
 * (terminal/questions.ts). Ctrl-C cancels the running turn; at an empty prompt, like Ctrl-D, it leaves; on a
 * half-typed line it clears the line.
 */
import { createInterface, type Interface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { createTurnController } from '../agent/turn-signal.js';
import type { Store } from '../store.js';
import { createHistoryKeeper, HISTORY_SIZE, loadHistory, saveHistory } from '../terminal/input-history.js';
import { createPasteAwareInput, DISABLE_BRACKETED_PASTE, ENABLE_BRACKETED_PASTE, unfoldQuestion } from '../terminal/paste-input.js';
import { createPersonQuestions, type PersonQuestions } from '../terminal/questions.js';
import type { Ui } from '../terminal/ui.js';
import { SLASH_COMMANDS } from './repl-commands.js';

export interface PromptDeps {
  store: Store;
  ui: Ui;
  io: { stdin: Readable & { isTTY?: boolean }; stderr: Writable & { isTTY?: boolean } };
}

export interface ReplPrompt {
  /** Whether a person is typing at a terminal (not a pipe). */
  readonly terminal: boolean;
  /** Order confirmations and the login's Enter: one question at a time, on the last line, kept out of the history. */
  readonly questions: PersonQuestions;
  /** Aborts once the input is closed (Ctrl-D, Ctrl-C at an empty prompt, end of a piped input). */
  readonly closed: AbortSignal;
  /** The next question typed (paste marks unfolded, trimmed), or undefined once the input is closed. */
  next(prompt: string): Promise<string | undefined>;
  /** A fresh signal for the turn about to run: Ctrl-C aborts it instead of leaving. */
  startTurn(): AbortSignal;
  endTurn(): void;
  close(): void;
}

export async function openPrompt(deps: PromptDeps): Promise<ReplPrompt> {
  const terminal = deps.io.stdin.isTTY === true;
  // A pasted multi-line question arrives as one line with ␤ marks (terminal/paste-input.ts) instead of one turn per line.
  const paste = terminal ? createPasteAwareInput(deps.io.stdin) : undefined;
  const history = terminal ? await loadHistory(deps.store) : [];
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
    saveHistory(deps.store, lines).catch(() => deps.ui.warn(`Could not save the input history under ${deps.store.home}.`));
  });
  readline.on('history', historyKeeper.onHistory);
  const questions = createPersonQuestions({
    readLine: (prompt, signal) => historyKeeper.keepOut(() => readline.question(prompt, { signal })),
    holdForQuestion: () => deps.ui.holdForQuestion(),
  });
  if (paste !== undefined) deps.io.stderr.write(ENABLE_BRACKETED_PASTE);
  const controls = watchControls(readline, () => {
    if (paste === undefined) return;
    deps.io.stderr.write(DISABLE_BRACKETED_PASTE);
    paste.release();
  });
  return {
    terminal,
    questions,
    closed: controls.closed,
    next: (prompt) => nextQuestion(readline, prompt, controls.closed),
    startTurn: () => controls.startTurn(),
    endTurn: () => controls.endTurn(),
    close: () => readline.close(),
  };
}

/** Ctrl-C and the input's end, and the running turn they cancel. */
function watchControls(readline: Interface, onClose: () => void) {
  let turn: AbortController | undefined;
  // readline/promises leaves a pending question unsettled when the interface closes; this signal settles it.
  const closed = new AbortController();
  readline.on('close', () => {
    onClose();
    closed.abort();
    turn?.abort();
  });
  readline.on('SIGINT', () => {
    if (turn !== undefined) turn.abort();
    else if (readline.line === '') readline.close();
    else readline.write(null, { ctrl: true, name: 'u' }); // Ctrl-C on a half-typed line clears it, as shells do
  });
  return {
    closed: closed.signal,
    startTurn(): AbortSignal {
      turn = createTurnController();
      return turn.signal;
    },
    endTurn(): void {
      turn = undefined;
    },
  };
}

async function nextQuestion(readline: Interface, prompt: string, closed: AbortSignal): Promise<string | undefined> {
  try {
    return unfoldQuestion(await readline.question(prompt, { signal: closed })).trim();
  } catch {
    return undefined; // closed by Ctrl-D or Ctrl-C at the prompt
  }
}

function completeSlash(line: string): [string[], string] {
  if (!line.startsWith('/')) return [[], line];
  const hits = SLASH_COMMANDS.map((command) => command.name).filter((name) => name.startsWith(line));
  return [hits, line];
}
