/**
 * The one-shot loopback listener of an OAuth login (RFC 8252 §7.3): an HTTP server on 127.0.0.1 that waits for the
 * browser to come back to /callback with `code` and `state`, checks the state, answers the tab with a short page and
 * closes. It knows nothing of OAuth beyond those query parameters; mcp/oauth.ts decides what the code is for. The code
 * and the state are never logged or printed.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InterruptedError, LoginRequiredError } from '../errors.js';

/** RFC 8252 §8.3: an IP literal, not `localhost`, which a hosts file or a resolver may send somewhere else. */
const LOOPBACK_HOST = '127.0.0.1';
export const CALLBACK_PATH = '/callback';
/** The authorization server's words reach the terminal; one sentence is plenty. */
const MAX_DESCRIPTION_CHARS = 160;

interface WaitOptions {
  expectedState: string;
  /** --login-timeout in milliseconds; the listener closes when it ends. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export interface LoopbackListener {
  /** `http://127.0.0.1:PORT/callback`, the redirect_uri this run registers and sends. */
  readonly redirectUrl: URL;
  readonly closed: boolean;
  /** The code of the first redirect to /callback; rejects with one line on a wrong state, a refusal or the timeout. */
  waitForCode(options: WaitOptions): Promise<string>;
  close(): Promise<void>;
}

type Pending = { expectedState: string; resolve: (code: string) => void; reject: (error: Error) => void };

interface ListenerState {
  server: Server;
  redirectUrl: URL;
  /** The one wait for a code, while it lasts. */
  pending: Pending | undefined;
  closed: boolean;
  /** The response to the one redirect served, so closing lets its page reach the tab first. */
  answering: ServerResponse | undefined;
}

/** Listens on `preferredPort` when it is free (a registration made for it stays usable), else on any free port. */
export async function startLoopbackListener(options: { preferredPort?: number | undefined } = {}): Promise<LoopbackListener> {
  const server = createServer();
  const port = await listen(server, options.preferredPort).catch((error: unknown) => {
    if (options.preferredPort === undefined || !isPortTaken(error)) throw error;
    return listen(server, 0);
  });
  // Never what keeps the process alive: a wait holds its own timer, and a listener an abandoned auth flow left
  // open must not stop kite-chat from exiting.
  server.unref();
  const redirectUrl = new URL(`http://${LOOPBACK_HOST}:${port}${CALLBACK_PATH}`);
  const state: ListenerState = { server, redirectUrl, pending: undefined, closed: false, answering: undefined };
  server.on('request', (request: IncomingMessage, response: ServerResponse) => handleRequest(state, request, response));
  return {
    redirectUrl,
    get closed() {
      return state.closed;
    },
    waitForCode: (wait) => waitForCode(state, wait),
    close: () => closeListener(state),
  };
}

function handleRequest(state: ListenerState, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', state.redirectUrl);
  if (url.pathname !== CALLBACK_PATH) return page(response, 404, 'Not found', 'This is kite-chat’s login listener.');
  if (request.method !== 'GET') return page(response, 405, 'Method not allowed', 'Only the browser redirect is expected here.');
  const waiting = state.pending;
  if (waiting === undefined) return page(response, 409, 'No login in progress', 'kite-chat is not waiting for an authorization.');
  state.pending = undefined;
  state.answering = response;
  settle(state, waiting, answerRedirect(url.searchParams, waiting.expectedState, response));
}

/** The tab's page, and the code, or why there is none: a refusal, a state this run did not send, no code at all. */
function answerRedirect(query: URLSearchParams, expectedState: string, response: ServerResponse): string | Error {
  const error = query.get('error');
  if (error !== null) {
    page(response, 400, 'Not authorized', 'kite-chat was not authorized. You can close this tab.');
    const description = printable(query.get('error_description') ?? '');
    const detail = description === '' ? printable(error) : `${printable(error)}: ${description}`;
    return new LoginRequiredError(`The authorization server did not authorize kite-chat (${detail}); run kite-chat login to try again.`);
  }
  if (!sameSecret(query.get('state') ?? '', expectedState)) {
    page(response, 400, 'Refused', 'This authorization was not started by this kite-chat run, so it was refused. You can close this tab.');
    return new LoginRequiredError('The browser came back with an authorization kite-chat did not ask for (wrong state), so it was refused; run kite-chat login again.');
  }
  const code = query.get('code') ?? '';
  if (code === '') {
    page(response, 400, 'Not authorized', 'The authorization server sent no code. You can close this tab.');
    return new LoginRequiredError('The authorization server redirected back without a code; run kite-chat login to try again.');
  }
  page(response, 200, 'kite-chat is authorized', 'You can close this tab and return to the terminal.');
  return code;
}

/** Ends the wait with the code or the error, and closes: the listener serves exactly one redirect. */
function settle(state: ListenerState, waiting: Pending, outcome: string | Error): void {
  if (typeof outcome === 'string') waiting.resolve(outcome);
  else waiting.reject(outcome);
  void closeListener(state);
}

async function closeListener(state: ListenerState): Promise<void> {
  if (state.closed) return;
  state.closed = true;
  state.pending?.reject(new LoginRequiredError('The login listener closed before the browser came back; run kite-chat login again.'));
  state.pending = undefined;
  const { server, answering } = state;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    // A browser's spare connections are cut now; the answered tab's once its page has been sent.
    if (answering === undefined || answering.writableFinished) server.closeAllConnections();
    else answering.once('close', () => server.closeAllConnections());
  });
}

function waitForCode(state: ListenerState, { expectedState, timeoutMs, signal }: WaitOptions): Promise<string> {
  if (state.closed) return Promise.reject(new LoginRequiredError('The login listener is closed; run kite-chat login again.'));
  if (state.pending !== undefined) return Promise.reject(new Error('The login listener is already waiting for a code.'));
  return new Promise<string>((resolve, reject) => {
    const seconds = Math.round(timeoutMs / 1000);
    const stop = (error: Error) => {
      if (state.pending === undefined) return;
      state.pending = undefined;
      reject(error);
      void closeListener(state);
    };
    const timer = setTimeout(
      () => stop(new LoginRequiredError(`No authorization came back from the browser within ${seconds} s; run kite-chat login and finish it in the browser.`)),
      timeoutMs,
    );
    const onAbort = () => stop(new InterruptedError());
    const cleanUp = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    state.pending = {
      expectedState,
      resolve: (code) => {
        cleanUp();
        resolve(code);
      },
      reject: (error) => {
        cleanUp();
        reject(error);
      },
    };
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function listen(server: Server, port: number | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port ?? 0, LOOPBACK_HOST, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function isPortTaken(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'EADDRINUSE' || code === 'EACCES';
}

/** Compares the state in constant time, so a page probing the port learns nothing from how fast it is refused. */
function sameSecret(received: string, expected: string): boolean {
  const left = Buffer.from(received);
  const right = Buffer.from(expected);
  return left.length === right.length && timingSafeEqual(left, right);
}

function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > MAX_DESCRIPTION_CHARS ? `${clean.slice(0, MAX_DESCRIPTION_CHARS - 1)}…` : clean;
}

function page(response: ServerResponse, status: number, title: string, text: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer', // the address bar holds the code; no page may pass it on
    Connection: 'close',
  });
  response.end(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title} - kite-chat</title></head>
<body><main><h1>${title}</h1><p>${text}</p></main></body>
</html>
`);
}
