/**
 * `npm run bench [-- --scale | --hold] [options]`: the throughput run (bench/run.ts) by default, or one of the other
 * modes: `--scale` (bench/scale.ts: inbox and case-list latency at district size), `--hold` (bench/hold.ts: worker
 * memory while thousands of cases wait). Each mode reads its own options; bench/README.md lists them.
 */
const modes = { '--scale': './scale', '--hold': './hold' } as const;
const chosen = (Object.keys(modes) as (keyof typeof modes)[]).filter((flag) => process.argv.includes(flag));
if (chosen.length > 1) {
  process.stderr.write(`choose one mode: ${chosen.join(' or ')}\n`);
  process.exit(2);
}
import(chosen.length ? modes[chosen[0]] : './run').catch((error: unknown) => {
  process.stderr.write(`bench failed to load: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
