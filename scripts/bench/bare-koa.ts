// The yardstick for the intake benchmark: a Koa endpoint that only appends each request
// body to a file and fsyncs it. Run as its own process; prints "listening PORT".
import { open } from 'node:fs/promises';
import Koa from 'koa';

const [, , file] = process.argv;
if (!file) throw new Error('usage: bare-koa.ts FILE');
const handle = await open(file, 'a');
const app = new Koa();
app.use(async (ctx) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) chunks.push(chunk);
  await handle.write(Buffer.concat(chunks));
  await handle.sync();
  ctx.status = 201;
  ctx.body = { ok: true };
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
