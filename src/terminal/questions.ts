/**
 * Questions kite-chat asks the person at the keyboard (an order's typed confirmation, its "AGAIN", the Enter after a
 * login), one at a time: each waits until the one before it is answered or withdrawn, is then the last line on screen
 * with the cursor after it (the UI holds all other output and pauses its spinner meanwhile), and gets the line typed
 * while it is shown. A question withdrawn before its turn (its signal aborts) is never shown. No terminal code here.
 */

export interface PersonQuestions {
  /** Resolves with the line the person typed under `prompt`; rejects when `signal` aborts first. */
  ask(prompt: string, signal: AbortSignal): Promise<string>;
}

interface PersonQuestionDeps {
  /** Writes `prompt` after the cursor and resolves with the next typed line (readline in the REPL). */
  readLine: (prompt: string, signal: AbortSignal) => Promise<string>;
  /** Called as a question comes on screen; the function it returns is called once the question is off it. */
  holdForQuestion: () => () => void;
}

export function createPersonQuestions(deps: PersonQuestionDeps): PersonQuestions {
  /** Settles when every question asked so far is off the screen. */
  let earlierQuestions: Promise<void> = Promise.resolve();

  async function askInTurn(before: Promise<void>, prompt: string, signal: AbortSignal): Promise<string> {
    await untilAborted(before, signal);
    const release = deps.holdForQuestion();
    try {
      return await deps.readLine(prompt, signal);
    } finally {
      release();
    }
  }

  return {
    ask(prompt, signal) {
      const before = earlierQuestions;
      const asked = askInTurn(before, prompt, signal);
      // A question withdrawn while it waited must not let the next one in ahead of those still before it.
      earlierQuestions = before.then(() => asked.then(nothing, nothing));
      return asked;
    },
  };
}

/** Waits for `promise`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) reject(signal.reason);
      else resolve();
    });
  });
}

function nothing(): void {}
