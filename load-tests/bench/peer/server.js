// The benchmark's lean peer: a hand-written Open Inference Protocol server on fastify and
// onnxruntime-node, one worker process per core, each session with one intra-op and one
// inter-op thread. It serves POST /v2/models/<name>/infer for models with FP32 inputs and
// outputs, and GET /v2/health/ready, and nothing more: what a minimal server in another stack
// does with the same models and bodies.
//
//   node server.js <port> <name>=<model.onnx> ...
//
// Listens on 127.0.0.1 and prints "peer listening on 127.0.0.1:<port>" once every worker does.
'use strict';
const cluster = require('node:cluster');
const os = require('node:os');

const [port, ...models] = process.argv.slice(2);
if (!port || models.length === 0) {
  console.error('usage: node server.js <port> <name>=<model.onnx> ...');
  process.exit(2);
}

if (cluster.isPrimary) {
  const workers = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  let listening = 0;
  for (let i = 0; i < workers; i++) {
    cluster.fork().on('listening', () => {
      if (++listening === workers) {
        console.log(`peer listening on 127.0.0.1:${port} with ${workers} workers`);
      }
    });
  }
  cluster.on('exit', (worker, code, signal) => {
    console.error(`worker ${worker.process.pid} exited (${signal || code})`);
    process.exit(1);
  });
  process.on('SIGTERM', () => {
    cluster.removeAllListeners('exit');
    for (const worker of Object.values(cluster.workers)) {
      worker.kill();
    }
    process.exit(0);
  });
} else {
  serve().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

async function serve() {
  const ort = require('onnxruntime-node');
  const app = require('fastify')({ logger: false, bodyLimit: 64 * 1024 * 1024 });
  const options = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' };
  const sessions = new Map();
  for (const model of models) {
    const [name, path] = model.split('=');
    sessions.set(name, await ort.InferenceSession.create(path, options));
  }

  app.get('/v2/health/ready', async () => ({ ready: true }));
  app.post('/v2/models/:name/infer', async (request, reply) => {
    const name = request.params.name;
    const session = sessions.get(name);
    if (!session) {
      reply.code(404);
      return { error: `unknown model '${name}'` };
    }
    const feeds = {};
    for (const input of request.body.inputs) {
      feeds[input.name] = new ort.Tensor('float32', Float32Array.from(input.data.flat(Infinity)),
          input.shape);
    }
    const results = await session.run(feeds);
    const outputs = session.outputNames.map((output) => ({
      name: output,
      datatype: 'FP32',
      shape: results[output].dims,
      data: Array.from(results[output].data),
    }));
    return { model_name: name, model_version: '1', outputs };
  });
  await app.listen({ host: '127.0.0.1', port: Number(port) });
}
