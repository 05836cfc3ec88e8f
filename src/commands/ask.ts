/**
 * `kite-chat --ask "QUESTION"`: one question for scripts. The answer alone goes to stdout (or one JSON object with
 * --json, CONTRACT.md's shape), tool lines and the login link to stderr; write tools are never offered or run.
 * Failures surface as CliErrors whose exit codes the CLI returns.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { runTurn, type TurnResult } from '../agent/loop.js';
import type { Complete } from '../agent/model.js';
import { createTurnController } from '../agent/turn-signal.js';
import type { Config } from '../config/resolve.js';
import { InterruptedError, type CliError } from '../errors.js';
import type { Session } from '../session.js';
import { createEventRenderer, cutOffWarning } from '../terminal/turn-view.js';
import type { Ui } from '../terminal/ui.js';

interface AskDeps {
  session: Session;
  config: Config;
  complete: Complete;
  model: string;
  ui: Ui;
  /** Writes the JSON object to stdout (--json). */
  writeJson: (text: string) => void;
  /** Aborts on Ctrl-C. */
  interrupt: AbortSignal;
}

export async function runAsk(question: string, deps: AskDeps): Promise<number> {
  const { session, config, ui } = deps;
  const turn = createTurnController();
  let fatal: CliError | undefined;
  const stopOnInterrupt = () => turn.abort();
  deps.interrupt.addEventListener('abort', stopOnInterrupt, { once: true });
  const { callTool } = session.executor('ask', {
    onFatal: (error) => {
      fatal ??= error;
      turn.abort();
    },
  });
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: session.systemPrompt },
    { role: 'user', content: question },
  ];
  // Scripts get the final answer alone: what the model says between tool calls ("let me check…") is not printed.
  const render = createEventRenderer(ui, { streamAnswer: false });
  let result: TurnResult;
  try {
    result = await runTurn({
      complete: deps.complete,
      callTool,
      tools: session.tools.offered('ask', config.trading),
      messages,
      onEvent: render,
      signal: turn.signal,
      maxRounds: config.maxRounds,
    });
  } catch (error) {
    if (fatal !== undefined) throw fatal;
    if (deps.interrupt.aborted) throw new InterruptedError();
    throw error;
  } finally {
    deps.interrupt.removeEventListener('abort', stopOnInterrupt);
    ui.activity.stop();
  }
  if (!config.json) {
    ui.answer(result.text);
    ui.endAnswer();
  } else {
    deps.writeJson(
      `${jsonForTerminal({
        answer: result.text,
        toolCalls: result.toolCalls.map((call) => ({ name: call.name, arguments: call.arguments ?? {}, isError: call.isError })),
        usage: result.usage,
        model: deps.model,
        rounds: result.rounds,
        ...(result.cutOff ? { truncated: true } : {}),
      })}\n`,
    );
  }
  render.drawPictures(); // stderr, and only when it is a colour terminal: never on stdout
  if (result.stoppedBy !== 'answer') return 1;
  if (result.cutOff) {
    ui.warn(cutOffWarning(config.maxOutputTokens));
    return 1;
  }
  if (result.text.trim() === '') {
    ui.warn('The model gave an empty answer.');
    return 1;
  }
  return 0;
}

/**
 * JSON.stringify escapes C0 controls but leaves C1 controls (U+009B is a one-byte CSI to some terminals), DEL and
 * Unicode bidi overrides raw; escaping them as \uXXXX keeps the JSON value identical and the terminal safe.
 */
function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (character) =>
    `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
