/**
 * The abort signal of one turn. Every layer of a tool call listens on it (the agent's race, the executor, the MCP
 * SDK's request, the login wait), and a turn runs several calls at once, so Node's default warning at 11 listeners
 * would print a false "memory leak" line into the user's terminal. Each turn gets a fresh controller, so the count
 * is bounded by the calls of one turn. Also how the agent loop stops the moment the signal aborts: an AbortError,
 * whatever the model or a tool is doing then.
 */
import { setMaxListeners } from 'node:events';

/** Parallel calls × the listeners each adds, with room for the local tools' concurrent reads. */
const MAX_TURN_LISTENERS = 200;

export function createTurnController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(MAX_TURN_LISTENERS, controller.signal);
  return controller;
}

/** Settles like `promise`, except that it rejects with an AbortError the moment `signal` aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) onAbort();
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(signal.aborted ? abortError(signal) : error);
      },
    );
  });
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortError(signal);
}

/** The signal's own reason when it is an AbortError (plain `abort()`), else an AbortError caused by the reason. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const error = new Error('The turn was cancelled.', { cause: reason });
  error.name = 'AbortError';
  return error;
}
