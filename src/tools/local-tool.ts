/**
 * What a local tool is: a tool kite-chat runs itself beside the server's own (portfolio/tools.ts, prices/price-chart.ts).
 * It reads the live account through `read` (a server tool on the live MCP session, raw text back; logging in is the
 * executor's job) and answers with text for the model and, optionally, a picture for the person (charts/display.ts)
 * that never reaches the model. Types only.
 */
import type { Display } from '../charts/display.js';

export type ReadTool = (
  name: string,
  args: Record<string, unknown>,
  signal: AbortSignal,
) => Promise<ToolAnswer>;

export interface ToolAnswer {
  text: string;
  isError: boolean;
  /** Drawn for the person on a terminal (terminal/turn-view.ts); the model gets `text` alone. */
  display?: Display;
}

export interface LocalTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  run(args: Record<string, unknown>, read: ReadTool, signal: AbortSignal, now: Date): Promise<ToolAnswer>;
}
