/**
 * The live line at the bottom of stderr while a turn runs: a spinner with the running tools and their elapsed time,
 * or "waiting for the model…" once the model has been silent for a second; redrawn in place with CR + erase-line.
 * Paused while kite-chat waits for a person to answer a question (terminal/questions.ts): nothing is drawn then.
 * Also the one-line summary printed for each finished tool call. Writer, clock and interval are injected: nothing
 * here touches process or the console, and with `enabled` false nothing is written at all.
 */
import { displayWidth, truncateToWidth } from './display-width.js';
import { sanitizeForTerminal } from './text.js';
import { tryParseJson } from '../json.js';
import { CYAN, DIM, RESET } from './styles.js';

export interface StatusLine {
  toolStarted(id: string, name: string): void;
  toolEnded(id: string): void;
  /** A model request went out: the waiting indicator appears if no token arrives within a second. */
  waitingForModel(): void;
  /** The first token arrived: the waiting indicator is cancelled. */
  modelStarted(): void;
  /** Erases the line before anything else is printed; the next tick draws it again below what was printed. */
  clear(): void;
  /** Erases the line and forgets every tool and wait; the interval is stopped. */
  stop(): void;
  /** A question is on screen: the line is erased and the interval stopped; tools and waits are still tracked. */
  pause(): void;
  /** The question was answered: the line is drawn again (with the time that passed) if there is anything to show. */
  resume(): void;
}

export interface StatusLineDependencies {
  write: (text: string) => void;
  now: () => number;
  setInterval: typeof setInterval;
  clearInterval: typeof clearInterval;
  enabled: boolean;
  color: boolean;
  /** Terminal columns; a longer line would wrap, and CR could then no longer take it back. Default 80. */
  columns?: () => number | undefined;
}

/** Ten frames a second look alive and cost nothing, even over ssh. */
const FRAME_INTERVAL_MS = 100;
const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** Under a second of silence is the model thinking normally; saying "waiting" sooner would only flicker. */
const MODEL_WAIT_THRESHOLD_MS = 1000;
const DEFAULT_COLUMNS = 80;
/** Carriage return, then erase the whole line (CSI 2 K). */
const ERASE_LINE = '\r\u001b[2K';

/** On a line cut to the terminal's width, fewer columns of arguments than this say nothing; they are left out. */
const MINIMUM_ARGUMENTS_SHOWN = 8;
/** Arguments longer than this on a summary line are cut; the audit log keeps them whole. */
const MAXIMUM_ARGUMENT_VALUE_LENGTH = 24;
const MAXIMUM_ARGUMENTS_LENGTH = 80;
const MAXIMUM_ERROR_LENGTH = 160;
/** How a compacted table result (tools/compact-result.ts) opens: "12 rows; columns separated by…", or "0 rows.". */
const ROW_COUNT_LINE = /^(\d+) rows?(?:[;.]|$)/;
/** The row count can follow a pagination line; it is never further down than this. */
const ROW_COUNT_SEARCH_LINES = 3;

/** The line's state: the running tools, the wait for the model, the timer and whether the line is drawn. */
interface Line {
  dependencies: StatusLineDependencies;
  running: Map<string, { name: string; startedAt: number }>;
  waitingSince: number | undefined;
  interval: ReturnType<typeof setInterval> | undefined;
  frame: number;
  shown: boolean;
  paused: boolean;
}

export function createStatusLine(dependencies: StatusLineDependencies): StatusLine {
  if (!dependencies.enabled) {
    const nothing = () => {};
    return {
      toolStarted: nothing, toolEnded: nothing, waitingForModel: nothing, modelStarted: nothing, clear: nothing,
      stop: nothing, pause: nothing, resume: nothing,
    };
  }
  const line: Line = { dependencies, running: new Map(), waitingSince: undefined, interval: undefined, frame: 0, shown: false, paused: false };
  const now = () => dependencies.now();
  return {
    toolStarted(id, name) {
      line.running.set(id, { name, startedAt: now() });
      line.waitingSince = undefined;
      updateTimer(line);
      draw(line);
    },
    toolEnded(id) {
      line.running.delete(id);
      updateTimer(line);
      draw(line);
    },
    waitingForModel() {
      line.waitingSince = now();
      updateTimer(line);
    },
    modelStarted() {
      line.waitingSince = undefined;
      updateTimer(line);
      if (line.running.size === 0) erase(line);
    },
    clear: () => erase(line),
    stop() {
      line.running.clear();
      line.waitingSince = undefined;
      updateTimer(line);
      erase(line);
    },
    pause() {
      erase(line);
      line.paused = true;
      updateTimer(line);
    },
    resume() {
      line.paused = false;
      updateTimer(line);
      draw(line);
    },
  };
}

function erase(line: Line): void {
  if (!line.shown) return;
  line.dependencies.write(ERASE_LINE);
  line.shown = false;
}

/** What the line says now, or undefined when there is nothing to say. */
function currentText(line: Line): string | undefined {
  const time = line.dependencies.now();
  if (line.running.size > 0) {
    const tools = [...line.running.values()];
    const since = Math.min(...tools.map((tool) => tool.startedAt));
    const names = [...new Set(tools.map((tool) => sanitizeForTerminal(tool.name)))].join(', ');
    return `${names} · ${seconds(time - since)}`;
  }
  if (line.waitingSince !== undefined && time - line.waitingSince >= MODEL_WAIT_THRESHOLD_MS) {
    return `waiting for the model… · ${seconds(time - line.waitingSince)}`;
  }
  return undefined;
}

function draw(line: Line): void {
  if (line.paused) return;
  const text = currentText(line);
  if (text === undefined) {
    erase(line);
    return;
  }
  const spinner = SPINNER_FRAMES[line.frame % SPINNER_FRAMES.length] ?? '';
  // One column is left free: writing into the last one makes some terminals wrap early.
  const room = (line.dependencies.columns?.() ?? DEFAULT_COLUMNS) - displayWidth(spinner) - 2;
  const fitted = truncateToWidth(text, room);
  const drawn = line.dependencies.color ? `${CYAN}${spinner}${RESET} ${DIM}${fitted}${RESET}` : `${spinner} ${fitted}`;
  line.dependencies.write(`${ERASE_LINE}${drawn}`);
  line.shown = true;
}

/**
 * The interval runs only while there is a tool or a wait to show and no question is on screen, so an idle REPL
 * schedules nothing and a person reading a question sees nothing move.
 */
function updateTimer(line: Line): void {
  const { dependencies } = line;
  const needed = !line.paused && (line.running.size > 0 || line.waitingSince !== undefined);
  if (needed && line.interval === undefined) {
    line.interval = dependencies.setInterval(() => {
      line.frame += 1;
      draw(line);
    }, FRAME_INTERVAL_MS);
    // A forgotten stop() must not keep the process alive (a test's fake timer may have no unref).
    (line.interval as { unref?: () => void }).unref?.();
  } else if (!needed && line.interval !== undefined) {
    dependencies.clearInterval(line.interval);
    line.interval = undefined;
  }
}

function seconds(milliseconds: number): string {
  return `${(Math.max(0, milliseconds) / 1000).toFixed(1)} s`;
}

interface ToolSummaryInput {
  name: string;
  arguments: Record<string, unknown> | undefined;
  text: string;
  isError: boolean;
  durationMs: number;
}

/**
 * `✓ get_holdings limit=50 · 12 rows · 140 ms`, or `✗ place_order exchange=NSE · 12 ms — the error's first line`.
 * Given `maxWidth` (on a terminal) it is one screen line: the arguments give way first, since the outcome and the
 * error are what the person needs, then the end of the line.
 */
export function toolSummary(input: ToolSummaryInput, maxWidth?: number): string {
  const summaryLine = summaryWith(input);
  const args = argumentsText(input.arguments);
  const line = summaryLine(args);
  if (maxWidth === undefined || displayWidth(line) <= maxWidth) return line;
  const room = maxWidth - displayWidth(summaryLine(''));
  // One column for the space before the arguments, and a few characters of them or none.
  const shorter = room > MINIMUM_ARGUMENTS_SHOWN ? summaryLine(truncateToWidth(args, room - 1)) : summaryLine('');
  return truncateToWidth(shorter, maxWidth);
}

/**
 * The summary line for any arguments text: the name, the row count, the duration and the error's first line are
 * worked out once (the result text is parsed for its rows only once), however many times the line is assembled.
 */
function summaryWith(input: ToolSummaryInput): (args: string) => string {
  const lead = [input.isError ? '✗' : '✓', sanitizeForTerminal(input.name)];
  const rows = input.isError ? undefined : rowCount(input.text);
  const outcome = [...(rows === undefined ? [] : [`${rows} ${rows === 1 ? 'row' : 'rows'}`]), duration(input.durationMs)].join(' · ');
  const error = input.isError ? firstLine(input.text) : '';
  const ending = error === '' ? '' : ` — ${error}`;
  return (args) => `${[...lead, args].filter((part) => part !== '').join(' ')} · ${outcome}${ending}`;
}

/** `limit=50 exchange=NSE`: simple strings bare, anything else as JSON (so it stays on one line), long values cut. */
function argumentsText(args: Record<string, unknown> | undefined): string {
  if (args === undefined) return '';
  const pairs = Object.entries(args).map(([key, value]) => {
    const text = typeof value === 'string' && /^[\w.:@+\-/]+$/.test(value) ? value : (JSON.stringify(value) ?? String(value));
    return `${key}=${truncateToWidth(text, MAXIMUM_ARGUMENT_VALUE_LENGTH)}`;
  });
  return truncateToWidth(pairs.join(' '), MAXIMUM_ARGUMENTS_LENGTH);
}

/** Rows in a compacted table result or a JSON array; undefined for any other shape. */
function rowCount(text: string): number | undefined {
  for (const line of text.split('\n', ROW_COUNT_SEARCH_LINES)) {
    const match = ROW_COUNT_LINE.exec(line);
    if (match !== null) return Number(match[1]);
  }
  if (!text.trimStart().startsWith('[')) return undefined;
  const value = tryParseJson(text);
  return Array.isArray(value) ? value.length : undefined;
}

function duration(milliseconds: number): string {
  return milliseconds < 1000 ? `${Math.round(milliseconds)} ms` : seconds(milliseconds);
}

function firstLine(text: string): string {
  return truncateToWidth(sanitizeForTerminal(text.trim().split('\n', 1)[0] ?? '').trim(), MAXIMUM_ERROR_LENGTH);
}
