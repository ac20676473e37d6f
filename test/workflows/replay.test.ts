import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { bundleAssistFlowWorkflows } from '../../src/worker-runtime';
import { temporal } from '@temporalio/proto';
import { testDataConverter } from '../support/history-codec';

/**
 * Saved histories of every workflow path (recorded by `npm run histories:record`) replayed against the current
 * workflow code: a change that would break cases already running fails here. Change behaviour with patched().
 */
const dir = path.join(__dirname, 'histories');
// One folder per recorded version of the workflow code; every version's histories must still replay.
const files = fs
  .readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.binpb'))
  .sort();
let bundle: WorkflowBundle;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  bundle = await bundleAssistFlowWorkflows({ logger: new DefaultLogger('WARN') });
});

test('there are saved histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(30);
});

test.each(files)('%s replays without nondeterminism', async (file) => {
  const history = temporal.api.history.v1.History.decode(fs.readFileSync(path.join(dir, file)));
  await Worker.runReplayHistory({ workflowBundle: bundle, dataConverter: testDataConverter }, history, file);
});
