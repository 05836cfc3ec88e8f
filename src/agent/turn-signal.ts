/**
 * The abort signal of one turn. Every layer of a tool call listens on it (the agent's race, the executor, the MCP
 * SDK's request, the login wait), and a turn runs several calls at once, so Node's default warning at 11 listeners
 * would print a false "memory leak" line into the user's terminal. Each turn gets a fresh controller, so the count
 * is bounded by the calls of one turn.
 */
import { setMaxListeners } from 'node:events';

/** Parallel calls × the listeners each adds, with room for the local tools' concurrent reads. */
const MAX_TURN_LISTENERS = 200;

export function createTurnController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(MAX_TURN_LISTENERS, controller.signal);
  return controller;
}
