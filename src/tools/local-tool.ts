/**
 * What a local tool is: a tool kite-chat runs itself beside the server's own (portfolio/tools.ts lists them; the
 * portfolio figures and prices/price-chart.ts). It reads the live account through `read` (a server tool on the live
 * MCP session; logging in is the executor's job) and answers with text for the model and, optionally, a picture for
 * the person (ToolOutcome.display) that never reaches the model. Types only.
 */
import type { ReadTool, Tool, ToolOutcome } from './tool.js';

export interface LocalTool extends Tool {
  description: string;
  run(args: Record<string, unknown>, read: ReadTool, signal: AbortSignal, now: Date): Promise<ToolOutcome>;
}
