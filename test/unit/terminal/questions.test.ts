// Questions to the person, in process: the queue shows one question at a time and gives each the line typed under
// it; a question withdrawn while it waits is never shown; while one is on screen the terminal UI holds every other
// line and stops its spinner, and writes what it held once the question is answered. Input history: the line typed
// under a question is taken back out of readline's list and never saved.
import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { createHistoryKeeper } from '../../../src/terminal/input-history.js';
import { createPersonQuestions } from '../../../src/terminal/questions.js';
import { createTerminalUi } from '../../../src/terminal/ui.js';

/** A stand-in for readline: records each prompt shown, and answers when the test types a line. */
function keyboard() {
  const shown: string[] = [];
  let pending: { resolve: (line: string) => void } | undefined;
  let holds = 0;
  let releases = 0;
  const questions = createPersonQuestions({
    readLine: (prompt, signal) =>
      new Promise((resolve, reject) => {
        if (pending !== undefined) throw new Error(`a second question while one is on screen: ${prompt}`);
        shown.push(prompt);
        pending = { resolve };
        signal.addEventListener('abort', () => {
          pending = undefined;
          reject(signal.reason);
        });
      }),
    holdForQuestion: () => {
      holds += 1;
      return () => {
        releases += 1;
      };
    },
  });
  return {
    questions,
    shown,
    get onScreen() {
      return pending !== undefined;
    },
    get holds() {
      return { holds, releases };
    },
    type(line: string) {
      const answer = pending;
      pending = undefined;
      answer?.resolve(line);
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('two questions asked at once are shown one after the other, each getting the line typed under it', async () => {
  const person = keyboard();
  const never = new AbortController().signal;
  const login = person.questions.ask('Press Enter when you are done. ', never);
  const order = person.questions.ask('Type "INFY 1" to place this order, anything else cancels: ', never);
  await settle();
  expect(person.shown).toEqual(['Press Enter when you are done. ']);

  person.type('');
  await settle();
  expect(person.shown).toEqual(['Press Enter when you are done. ', 'Type "INFY 1" to place this order, anything else cancels: ']);
  person.type('INFY 1');
  expect(await login).toBe('');
  expect(await order).toBe('INFY 1');
  expect(person.holds).toEqual({ holds: 2, releases: 2 });
});

test('a question withdrawn while it waits is never shown, rejects at once, and the next one still waits its turn', async () => {
  const person = keyboard();
  const never = new AbortController().signal;
  const withdrawn = new AbortController();
  const first = person.questions.ask('First? ', never);
  const second = person.questions.ask('Second? ', withdrawn.signal);
  const third = person.questions.ask('Third? ', never);
  await settle();
  withdrawn.abort(new Error('the login was seen'));
  await expect(second).rejects.toThrow('the login was seen');
  expect(person.shown).toEqual(['First? ']); // the third does not jump ahead of the first

  person.type('one');
  await settle();
  expect(person.shown).toEqual(['First? ', 'Third? ']);
  person.type('three');
  expect([await first, await third]).toEqual(['one', 'three']);
});

test('a question on screen that is withdrawn (Ctrl-C, a login seen) lets the next one on', async () => {
  const person = keyboard();
  const cancel = new AbortController();
  const first = person.questions.ask('First? ', cancel.signal);
  const second = person.questions.ask('Second? ', new AbortController().signal);
  await settle();
  cancel.abort(new Error('cancelled'));
  await expect(first).rejects.toThrow('cancelled');
  await settle();
  expect(person.shown).toEqual(['First? ', 'Second? ']);
  expect(person.holds).toEqual({ holds: 2, releases: 1 });
  person.type('two');
  expect(await second).toBe('two');
});

function terminalStream(): Writable & { isTTY: boolean; columns: number; written: string[] } {
  const written: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, { isTTY: true, columns: 120, written });
}

test('while a question is on screen the UI holds other lines and its spinner, and writes them in order afterwards', async () => {
  const stderr = terminalStream();
  const ui = createTerminalUi({ stdout: terminalStream(), stderr }, { color: false });
  ui.activity.toolStarted('call-1', 'get_holdings');
  expect(stderr.written.join('')).toContain('get_holdings · 0.0 s');

  const release = ui.holdForQuestion();
  const atQuestion = stderr.written.length;
  ui.status('✓ get_holdings · 12 ms');
  ui.warn('Log in to Kite with this link:');
  await new Promise((resolve) => setTimeout(resolve, 250)); // two spinner frames' worth of real time
  expect(stderr.written.slice(atQuestion)).toEqual([]);

  release();
  const after = stderr.written.slice(atQuestion).join('');
  expect(after.indexOf('✓ get_holdings · 12 ms\n')).toBeLessThan(after.indexOf('Log in to Kite with this link:\n'));
  expect(after).toMatch(/get_holdings · \d\.\d s$/); // the status line is back, below what was held
  ui.activity.stop();
});

test('a line typed under a question is taken back out of the history and not saved; other lines are saved', async () => {
  const saved: string[][] = [];
  const keeper = createHistoryKeeper(['older question'], (lines) => saved.push([...lines]));
  // readline adds the line, then emits 'history' with its own list, before the question's answer is delivered.
  const readlineList = ['older question'];
  const typeLine = (line: string) => {
    readlineList.unshift(line);
    keeper.onHistory(readlineList);
  };

  typeLine('Buy 10 INFY');
  await keeper.keepOut(async () => typeLine('INFY 10'));
  expect(readlineList).toEqual(['Buy 10 INFY', 'older question']);
  typeLine('Thanks');
  expect(readlineList).toEqual(['Thanks', 'Buy 10 INFY', 'older question']);
  expect(saved).toEqual([['Buy 10 INFY', 'older question'], ['Thanks', 'Buy 10 INFY', 'older question']]);
});
