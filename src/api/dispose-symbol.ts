/**
 * `Symbol.asyncDispose` for runtimes that lack it (Node 20 before 20.4), so consumers whose
 * TypeScript lowers `await using` find the method under the symbol their helper looks up.
 */
const symbols = Symbol as unknown as { asyncDispose?: symbol };
symbols.asyncDispose ??= Symbol.for('nodejs.asyncDispose');
