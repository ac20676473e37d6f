// Runs in a worker thread started by postgres.ts. Plain CommonJS on purpose: PGlite loads its WASM and Node
// built-ins with dynamic import(), which Jest's module sandbox rejects; a worker thread uses Node's own loader.
// It also keeps PGlite's synchronous WASM query execution off the application's event loop.
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require('@electric-sql/pglite');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');

async function main() {
  const { dataDir, port } = workerData;
  const db = await PGlite.create({ dataDir });
  // One connection at a time: PGlite is a single session (see postgres.ts).
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 1 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  parentPort.once('message', async () => {
    await server.stop();
    await db.close();
    parentPort.close(); // nothing else keeps the thread alive, so it exits
  });
  parentPort.postMessage({ listening: Number(server.getServerConn().split(':').pop()) });
}

main().catch((error) => parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) }));
