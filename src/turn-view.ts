/**
 * How a turn looks on the terminal: the agent's events turned into the streamed answer (stdout) and one line per
 * tool call, round limit or repeated call (stderr), and the login link with Kite's risk warning (stderr).
 * Shared by --ask and the REPL; all output goes through the Ui seam.
 */
import type { AgentEvent } from './agent.js';
import type { LoginScreen } from './login.js';
import type { Ui } from './ui.js';

/** Tool arguments longer than this are cut on the status line; the audit log keeps them whole. */
const MAX_ARGUMENTS_SHOWN = 80;

export function createEventRenderer(ui: Ui, options: { streamAnswer: boolean }): (event: AgentEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'assistant-text':
        if (options.streamAnswer) ui.answer(event.delta);
        return;
      case 'tool-call-end': {
        const mark = event.isError ? '✗' : '✓';
        const detail = event.isError ? ` — ${firstLine(event.text)}` : '';
        ui.status(`${mark} ${event.name} · ${event.durationMs} ms${detail}`);
        return;
      }
      case 'tool-call-start':
        ui.status(`→ ${event.name} ${shortArguments(event.arguments)}`.trimEnd());
        return;
      case 'round-limit':
        ui.warn(`(stopped: the model used all ${event.rounds} rounds without a final answer; ask a narrower question or raise --max-rounds)`);
        return;
      case 'repeated-call':
        ui.warn(`(stopped: the model asked for ${event.name} with the same arguments three times in a row)`);
        return;
      case 'model-request':
      case 'usage':
        return;
    }
  };
}

export function createLoginScreen(ui: Ui, _options: { qr: boolean }): LoginScreen {
  return {
    showLink({ warning, link }) {
      ui.warn(warning);
      ui.status('Log in to Kite with this link (it is tied to this session; do not share it):');
      ui.status(link);
    },
    status: (line) => ui.status(line),
    warn: (line) => ui.warn(line),
  };
}

export function shortArguments(args: Record<string, unknown> | undefined): string {
  if (args === undefined || Object.keys(args).length === 0) return '';
  const text = JSON.stringify(args);
  return text.length > MAX_ARGUMENTS_SHOWN ? `${text.slice(0, MAX_ARGUMENTS_SHOWN - 1)}…` : text;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}
