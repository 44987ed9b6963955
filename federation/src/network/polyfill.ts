// Node 20 lacks Promise.withResolvers (it arrived in Node 22) and libp2p 3 calls it at run
// time: without it a node crashes on dial or stop, and under vitest the failure shows up as
// a misleading `connect ECONNRESET`. This is the one module in the project allowed an
// import-time side effect, because it must run before any libp2p code does: bin/backup.js
// and vitest's setupFiles load it first, and the network module imports it for library
// users. It only fills the gap; where the platform has the method it does nothing.
type WithResolvers = <T>() => {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
};

const PromiseWithResolvers = Promise as PromiseConstructor & { withResolvers?: WithResolvers };

if (typeof PromiseWithResolvers.withResolvers !== 'function') {
  const withResolvers: WithResolvers = <T>() => {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
  Object.defineProperty(Promise, 'withResolvers', { value: withResolvers, writable: true, configurable: true });
}

export {};
