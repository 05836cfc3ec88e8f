/**
 * How a turn looks on the terminal: the agent's events turned into the streamed answer (stdout), the live spinner
 * and one summary line per tool call, round limit or repeated call (stderr), and the pictures local tools hand back
 * (a price chart, allocation bars), drawn on stderr under the answer when it is a colour terminal. Shared by --ask
 * and the REPL; all output goes through the Ui seam. The login's screen is terminal/login-screen.ts.
 */
import type { AgentEvent } from '../agent/loop.js';
import type { Display } from '../charts/display.js';
import { drawDisplay } from '../charts/draw.js';
import { toolSummary } from './status-line.js';
import type { Ui } from './ui.js';

/** Tool arguments longer than this are cut on the status line; the audit log keeps them whole. */
const MAX_ARGUMENTS_SHOWN = 80;

export interface EventRenderer {
  (event: AgentEvent): void;
  /**
   * Draws the pictures this turn's tools handed back, once the answer is out: on stderr, and only on a terminal with
   * colour on (piped, NO_COLOR or --no-color output gets none). Forgets them either way.
   */
  drawPictures(): void;
}

export function createEventRenderer(ui: Ui, options: { streamAnswer: boolean }): EventRenderer {
  const argumentsById = new Map<string, Record<string, unknown> | undefined>();
  const pictures: Display[] = [];
  const render = (event: AgentEvent): void => {
    switch (event.type) {
      case 'model-request':
        ui.activity.waitingForModel();
        return;
      case 'assistant-text':
        ui.activity.modelStarted();
        if (options.streamAnswer) ui.answer(event.delta);
        return;
      case 'tool-call-start':
        ui.endAnswer(); // a sentence before the tool calls must not run into the next round's text
        argumentsById.set(event.id, event.arguments);
        ui.activity.toolStarted(event.id, event.name);
        if (!ui.interactive) ui.status(`→ ${event.name} ${shortArguments(event.arguments)}`.trimEnd());
        return;
      case 'tool-call-end':
        // On a terminal the summary is one screen line, whatever its width; piped, it stays whole for the log.
        ui.status(toolSummary({ ...event, arguments: argumentsById.get(event.id) }, ui.interactive ? ui.columns() - 1 : undefined));
        argumentsById.delete(event.id);
        ui.activity.toolEnded(event.id);
        if (event.display !== undefined) pictures.push(event.display);
        return;
      case 'round-limit':
        ui.warn(`(stopped: the model used all ${event.rounds} rounds without a final answer; ask a narrower question or raise --max-rounds)`);
        return;
      case 'repeated-call':
        ui.warn(`(stopped: the model asked for ${event.name} with the same arguments three times in a row)`);
        return;
      case 'history-trimmed':
        ui.status(`(the conversation was too long for the model: ${event.trimmedResults} older tool results were left out and the question sent again)`);
        return;
      case 'usage':
        return;
    }
  };
  return Object.assign(render, {
    drawPictures() {
      for (const picture of pictures.splice(0)) {
        if (!ui.color) continue;
        const drawing = drawDisplay(picture, { columns: ui.columns(), color: true });
        if (drawing !== undefined) ui.drawing(drawing);
      }
    },
  });
}

/** Said after an answer that stopped at the output limit (finish_reason "length"): it is not the whole answer. */
export function cutOffWarning(maxOutputTokens: number): string {
  const limit = maxOutputTokens > 0
    ? `kite-chat asks for at most ${maxOutputTokens} tokens; raise that with --max-output-tokens N or KITE_CHAT_MAX_OUTPUT_TOKENS, or check the model server's own limit and context size`
    : "kite-chat sets none, so it is the model server's own; raise the server's output limit or context size";
  return `(the answer was cut off at the model's output limit: ${limit})`;
}

function shortArguments(args: Record<string, unknown> | undefined): string {
  if (args === undefined || Object.keys(args).length === 0) return '';
  const text = JSON.stringify(args);
  return text.length > MAX_ARGUMENTS_SHOWN ? `${text.slice(0, MAX_ARGUMENTS_SHOWN - 1)}…` : text;
}
