import { ensureWebApp } from '../src/embedded/web-build';

/** `npm test`'s pretest: build web/dist once when missing or stale, before jest's parallel workers could race to it. */
const started = Date.now();
process.stdout.write(ensureWebApp() ? `web app built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s\n` : 'web app in web/dist is up to date\n');
