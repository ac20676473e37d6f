import { benchIdNumber } from '../ids';
import { deciderOf, finalStages, http, intake, sideFirst, type BenchUser, type Http, type OpenTask } from '../drive';

/**
 * The chaos run's load: monitoring cases reported and decided over HTTP by the demo users, as the bench drives them
 * (bench/drive.ts), but a client that survives the faults. A request that fails on the connection (refused, reset,
 * timed out) or with a 5xx is sent again, unchanged, until it gets an answer: for a decision that is the same Update
 * id (the API derives it from task, user and decision), so a retry can never make a second decision. What the client
 * was told is kept, to be checked against what the system recorded.
 */

/** A decision the client got a 2xx for. */
export interface AcceptedDecision {
  taskId: string;
  caseId: string;
  step: string;
  user: BenchUser;
  decision: string;
  /** Requests it took (1: no retry). */
  attempts: number;
}

export interface StartedCase {
  caseId: string;
  idNumber: string;
  /** `conflict-on-retry`: the first request's answer was lost, the retry was told the household already has this case. */
  via: 'created' | 'conflict-on-retry';
  /** The client saw it reach MONITORED. */
  finished: boolean;
}

export interface LoadCounts {
  requests: number;
  /** Requests sent again after a connection error or a 5xx. */
  retries: number;
  connectionErrors: number;
  serverErrors: number;
  /** A retried decision answered with something other than the first answer would have been (README: the same answer). */
  retryAnswerMismatches: number;
  /** Cases the driver gave up on (an unexpected answer, or stuck). */
  failedCases: number;
}

const requestDeadlineMs = 240_000;
const caseDeadlineMs = 600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Unanswered extends Error {}

export class ChaosLoad {
  readonly cases: StartedCase[] = [];
  readonly decisions: AcceptedDecision[] = [];
  readonly counts: LoadCounts = { requests: 0, retries: 0, connectionErrors: 0, serverErrors: 0, retryAnswerMismatches: 0, failedCases: 0 };
  readonly failures: string[] = [];
  private readonly inFlightByKind = new Map<string, number>();
  private readonly api: Http;
  private intakeOpen = true;
  private aborted = false;
  /** Resolves when intake stops, to cut short the users' waits before deciding. */
  private readonly intakeClosed: Promise<void>;
  private closeIntake!: () => void;
  private nextId: number;
  private running: Promise<void> | undefined;

  constructor(
    private readonly options: {
      baseUrl: string;
      tokens: Record<BenchUser, string>;
      concurrency: number;
      /** Offset into the ID-number sequence (bench/ids.ts). */
      firstId: number;
      /** How long a user waits before deciding a task; long waits let reminders and escalations fire. */
      thinkMs: () => number;
      log: (message: string) => void;
    },
  ) {
    this.nextId = options.firstId;
    this.intakeClosed = new Promise((resolve) => (this.closeIntake = resolve));
    // Latency is the bench's business: the samples are not kept.
    this.api = http(options.baseUrl, () => [], 30_000);
  }

  start(): void {
    this.running = Promise.all(Array.from({ length: this.options.concurrency }, () => this.loop())).then(() => undefined);
  }

  /** No new cases; the running ones are finished without waiting before decisions. */
  stopIntake(): void {
    this.intakeOpen = false;
    this.closeIntake();
  }

  /** Gives up at once: every request from now on fails (the run itself failed). */
  abort(): void {
    this.stopIntake();
    this.aborted = true;
  }

  /** Resolves when every started case is finished or given up on (after stopIntake). */
  finished(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  inFlight(kind?: string): number {
    if (kind) return this.inFlightByKind.get(kind) ?? 0;
    return [...this.inFlightByKind.values()].reduce((a, b) => a + b, 0);
  }

  /** The user's wait before deciding, cut short when intake stops. */
  private think(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.options.thinkMs());
      void this.intakeClosed.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private fail(message: string): void {
    this.counts.failedCases++;
    if (this.failures.length < 10) this.failures.push(message.slice(0, 400));
    this.options.log(`case failed: ${message.slice(0, 300)}`);
  }

  private async loop(): Promise<void> {
    while (this.intakeOpen) {
      const n = this.nextId++;
      try {
        await this.runCase(n);
      } catch (error) {
        this.fail(error instanceof Error ? error.message : String(error));
      }
    }
  }

  /** Sends until an answer that is not a 5xx arrives. */
  private async call(kind: string, method: string, path: string, user: BenchUser, body?: unknown): Promise<{ status: number; body: any; attempts: number }> {
    const deadline = Date.now() + requestDeadlineMs;
    for (let attempt = 1; ; attempt++) {
      if (this.aborted) throw new Unanswered('load aborted');
      this.counts.requests++;
      if (attempt > 1) this.counts.retries++;
      this.inFlightByKind.set(kind, (this.inFlightByKind.get(kind) ?? 0) + 1);
      let answer: { status: number; body: any } | undefined;
      try {
        answer = await this.api.call(kind, method, path, this.options.tokens[user], body);
      } catch {
        this.counts.connectionErrors++;
      } finally {
        this.inFlightByKind.set(kind, this.inFlightByKind.get(kind)! - 1);
      }
      if (answer && answer.status < 500) return { ...answer, attempts: attempt };
      if (answer) this.counts.serverErrors++;
      if (Date.now() > deadline) throw new Unanswered(`${kind} ${method} ${path}: no answer within ${requestDeadlineMs} ms (last: ${answer ? `${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}` : 'connection error'})`);
      await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random()));
    }
  }

  private async runCase(n: number): Promise<void> {
    const started = Date.now();
    const idNumber = benchIdNumber(n);
    const caseId = await this.report(idNumber);
    if (!caseId) return;
    const record = this.cases.find((c) => c.caseId === caseId)!;
    let view: { stage: string; openTasks: OpenTask[] } = (await this.read(caseId)).body;
    while (!finalStages.includes(view.stage)) {
      if (Date.now() - started > caseDeadlineMs) return this.fail(`case ${caseId} not done after ${caseDeadlineMs} ms, in ${view.stage}`);
      if (view.openTasks.length === 0) {
        // The workflow moves the case on by itself (end of posting), or the worker is down: read again.
        await sleep(200);
        view = (await this.read(caseId)).body;
        continue;
      }
      for (const task of [...view.openTasks].sort(sideFirst)) {
        if (!(await this.decide(caseId, task))) return;
      }
      view = (await this.read(caseId)).body;
    }
    if (view.stage !== 'MONITORED') return this.fail(`case ${caseId} ended ${view.stage}, not MONITORED`);
    record.finished = true;
  }

  /** Reports the household; the case id, or undefined when the case failed. */
  private async report(idNumber: string): Promise<string | undefined> {
    for (let round = 1; ; round++) {
      const res = await this.call('createCase', 'POST', '/api/monitoring-cases', 'village.worker', intake(idNumber));
      const retried = res.attempts > 1 || round > 1;
      if (res.status === 201) {
        this.cases.push({ caseId: res.body.id, idNumber, via: 'created', finished: false });
        return res.body.id;
      }
      // The answer to an earlier attempt was lost and that attempt opened the case: ours, as far as the client knows.
      if (res.status === 409 && retried && res.body.caseId) {
        this.cases.push({ caseId: res.body.caseId, idNumber, via: 'conflict-on-retry', finished: false });
        return res.body.caseId;
      }
      // The earlier attempt's workflow exists but is not in the read model yet (the worker may be down): ask again.
      if (res.status === 409 && retried && round < 300) {
        await sleep(500);
        continue;
      }
      this.fail(`createCase ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      return undefined;
    }
  }

  private async read(caseId: string): Promise<{ status: number; body: any }> {
    const res = await this.call('caseView', 'GET', `/api/monitoring-cases/${caseId}`, 'district.approver');
    if (res.status !== 200) throw new Error(`caseView ${caseId}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    return res;
  }

  /** One task, decided by its demo user after they saw it in their inbox; false when the case failed. */
  private async decide(caseId: string, task: OpenTask): Promise<boolean> {
    const user = deciderOf(task);
    if (!user) {
      this.fail(`no demo user decides ${task.step} (${task.role})`);
      return false;
    }
    if (this.intakeOpen) await this.think();
    let found = false;
    for (let attempt = 0; attempt < 150 && !found; attempt++) {
      if (attempt > 0) await sleep(200);
      const inbox = await this.call('inbox', 'GET', `/api/tasks?caseId=${caseId}`, user);
      if (inbox.status !== 200) throw new Error(`inbox ${user}: ${inbox.status} ${JSON.stringify(inbox.body).slice(0, 200)}`);
      found = (inbox.body.items as { id: string }[]).some((t) => t.id === task.id);
    }
    if (!found) {
      this.fail(`task ${task.step} of case ${caseId} never in ${user}'s inbox`);
      return false;
    }
    const decision = 'approve';
    const done = await this.call('complete', 'POST', `/api/tasks/${task.id}/complete`, user, { decision, comment: '混沌测试通过' });
    if (done.status === 200) {
      this.decisions.push({ taskId: task.id, caseId, step: task.step, user, decision, attempts: done.attempts });
      return true;
    }
    if (done.attempts > 1) this.counts.retryAnswerMismatches++;
    this.fail(`complete ${task.step} of ${caseId} as ${user} (attempt ${done.attempts}): ${done.status} ${JSON.stringify(done.body).slice(0, 200)}`);
    return false;
  }
}
