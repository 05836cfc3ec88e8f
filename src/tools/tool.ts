/**
 * The one vocabulary for tools, wherever they come from (the MCP server's list, kite-chat's own local tools): what a
 * tool is, what calling one on the server gives back (content items), and the text-and-error pair the agent loop, the
 * executor, the local tools and the login work with. Types only; mcp/live-session.ts fills them from the SDK's answers.
 */
import type { Display } from '../charts/display.js';

export interface Tool {
  name: string;
  description?: string | undefined;
  inputSchema: Record<string, unknown>;
  annotations?: Record<string, unknown> | undefined;
}

/** One item of a tool result as the server sent it. */
export interface ToolContent {
  type: string;
  text?: string;
  mimeType?: string;
  uri?: string;
  resource?: { uri?: string; mimeType?: string; text?: string };
}

/** A tool call's answer as the server sent it. */
export interface ToolResult {
  isError: boolean;
  content: ToolContent[];
}

/**
 * A tool call's answer as text: what the model, the local tools and the login read; a local tool may add a picture
 * for the person (`display`, drawn by terminal/turn-view.ts), which never reaches the model.
 */
export interface ToolOutcome {
  text: string;
  isError: boolean;
  display?: Display;
}

/** Runs one read-only server tool on the live session and answers with its text. */
export type ReadTool = (name: string, args: Record<string, unknown>, signal: AbortSignal) => Promise<ToolOutcome>;
