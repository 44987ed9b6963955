// Abort plumbing for requests: every wait is bounded by a timeout and by the signals of
// whoever may give up on it (the caller, the peer stopping, the remote closing a stream).
import { setMaxListeners } from 'node:events';

export interface LinkedSignal {
  signal: AbortSignal;
  /** Clears the timer and the listeners placed on the parents; call it in `finally`. */
  dispose(): void;
}

/**
 * A signal that aborts with a parent's reason when any parent aborts, or with
 * `onTimeout()` after `timeoutMs`. Unlike AbortSignal.any it leaves nothing attached to
 * long-lived parents once disposed.
 */
export function linkSignal(
  parents: ReadonlyArray<AbortSignal | undefined>,
  timeoutMs: number,
  onTimeout: () => Error,
): LinkedSignal {
  const controller = new AbortController();
  // libp2p adds a listener per operation it passes the signal to.
  setMaxListeners(Infinity, controller.signal);
  const cleanups: Array<() => void> = [];
  const timer = setTimeout(() => controller.abort(onTimeout()), timeoutMs);
  cleanups.push(() => clearTimeout(timer));
  for (const parent of parents) {
    if (parent === undefined) continue;
    if (parent.aborted) {
      controller.abort(parent.reason);
      break;
    }
    const onAbort = () => controller.abort(parent.reason);
    parent.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => parent.removeEventListener('abort', onAbort));
  }
  const dispose = () => cleanups.splice(0).forEach((cleanup) => cleanup());
  if (controller.signal.aborted) dispose();
  return { signal: controller.signal, dispose };
}

/** Settles with `work`, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
