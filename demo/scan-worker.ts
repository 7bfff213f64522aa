// The demo's worker entry: the scanfuse engine worker (simulator, session, comparisons all run
// here; the page only renders). exposeEngine() must run at the top level before any await.
import { exposeEngine } from 'scanfuse/worker';

void exposeEngine();
