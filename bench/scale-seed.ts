import { Client } from 'pg';
import { demoUsers } from '../src/demo/seed';
import type { MonitoringStep, Stage } from '../src/domain/monitoring/case';
import { stepTaskSpec } from '../src/domain/monitoring/process';
import { defaultPolicySettings } from '../src/domain/policy';

/**
 * Seeds the read model of a big district straight into PostgreSQL, in a few set-based statements (generate_series,
 * jsonb_to_recordset), as the activities would have written it: households spread over every village of the
 * district, open monitoring cases at every stage with the tasks of the steps they went through (completed) and of
 * the step they wait on (open, some overdue, some escalated). No workflow stands behind these rows: the scale mode
 * measures reads. Timeline events, measures and visits are not seeded: neither the inbox nor the case list reads them.
 */

/** Share of open cases per stage (percent), and the steps each has completed and waits on. */
const stageMix: { stage: Stage; percent: number; done: MonitoringStep[]; open: MonitoringStep[] }[] = [
  // Data matching opens with the case, beside the visit, and is done by the end of 公示 posting.
  { stage: 'HOME_VISIT', percent: 25, done: [], open: ['HOME_VISIT', 'DATA_MATCHING'] },
  { stage: 'VILLAGE_REVIEW', percent: 8, done: ['HOME_VISIT'], open: ['VILLAGE_REVIEW', 'DATA_MATCHING'] },
  { stage: 'VILLAGE_REVIEW', percent: 7, done: ['HOME_VISIT', 'DATA_MATCHING'], open: ['VILLAGE_REVIEW'] },
  { stage: 'PUBLIC_POSTING', percent: 8, done: ['HOME_VISIT', 'VILLAGE_REVIEW'], open: ['DATA_MATCHING'] },
  { stage: 'PUBLIC_POSTING', percent: 7, done: ['HOME_VISIT', 'VILLAGE_REVIEW', 'DATA_MATCHING'], open: [] },
  { stage: 'TOWN_REVIEW', percent: 15, done: ['HOME_VISIT', 'VILLAGE_REVIEW', 'DATA_MATCHING'], open: ['TOWN_REVIEW'] },
  { stage: 'DISTRICT_APPROVAL', percent: 10, done: ['HOME_VISIT', 'VILLAGE_REVIEW', 'DATA_MATCHING', 'TOWN_REVIEW'], open: ['DISTRICT_APPROVAL'] },
  { stage: 'ANNOUNCEMENT', percent: 5, done: ['HOME_VISIT', 'VILLAGE_REVIEW', 'DATA_MATCHING', 'TOWN_REVIEW', 'DISTRICT_APPROVAL'], open: ['ANNOUNCEMENT'] },
  // Monitored households stay open for follow-up: the next regular visit is their open task.
  { stage: 'MONITORED', percent: 15, done: ['HOME_VISIT', 'VILLAGE_REVIEW', 'DATA_MATCHING', 'TOWN_REVIEW', 'DISTRICT_APPROVAL', 'ANNOUNCEMENT'], open: ['VISIT'] },
];

/** Who decided each step in the seeded history, and who submitted the work a review step reviews (separation of duties). */
const deciderOf: Partial<Record<MonitoringStep, string>> = {
  HOME_VISIT: 'village.worker',
  VILLAGE_REVIEW: 'village.head',
  DATA_MATCHING: 'dept.officer',
  TOWN_REVIEW: 'town.reviewer',
  DISTRICT_APPROVAL: 'district.approver',
  ANNOUNCEMENT: 'district.approver',
};
const submitterOf: Partial<Record<MonitoringStep, MonitoringStep>> = { VILLAGE_REVIEW: 'HOME_VISIT', TOWN_REVIEW: 'VILLAGE_REVIEW', DISTRICT_APPROVAL: 'TOWN_REVIEW' };

/** One row per (stage bucket, task) for SQL: which steps a case of the bucket has, in order, with the step's rule. */
function stageTaskRows(userIds: Record<string, string>) {
  let from = 0;
  const buckets = stageMix.map((m) => {
    const bucket = { ...m, from, to: from + m.percent };
    from += m.percent;
    return bucket;
  });
  if (from !== 100) throw new Error(`stage mix adds up to ${from}%, not 100%`);
  // The rule of a step (role, level, decisions, review) as the workflow applies it; a sample village fixes the level.
  const sampleVillage = '500154017001';
  return buckets.flatMap((b) =>
    [...b.done.map((step) => ({ step, open: false })), ...b.open.map((step) => ({ step, open: true }))].map(({ step, open }, i) => {
      const spec = stepTaskSpec(step, sampleVillage, null, defaultPolicySettings);
      const submitterStep = submitterOf[step];
      return {
        bucket_from: b.from,
        bucket_to: b.to,
        stage: b.stage,
        seq: i + 1,
        step,
        open,
        role: spec.role,
        level: spec.jurisdictionCode.length === 12 ? 'VILLAGE' : spec.jurisdictionCode.length === 9 ? 'TOWN' : 'DISTRICT',
        decisions: spec.allowedDecisions,
        separation: spec.separationOfDuties,
        // The visit and data matching open with the case: their submitter is the reporter.
        submitter: submitterStep ? userIds[deciderOf[submitterStep]!] : step === 'HOME_VISIT' || step === 'DATA_MATCHING' ? userIds['village.worker'] : null,
        decider: open ? null : userIds[deciderOf[step]!],
      };
    }),
  );
}

export interface SeedCounts {
  households: number;
  openCases: number;
  openTasks: number;
  completedTasks: number;
  overdueOpenTasks: number;
  escalatedOpenTasks: number;
  villages: number;
  seconds: number;
}

/**
 * Households `500234` + 12 digits (born in year 0000: never an ID number the API accepts), the first `openCases` of them
 * with a case. A case's stage, discovery date and task times come from hashes of its number, so every village gets
 * every stage. Open tasks: opened up to 4 days ago, due 3 days after (a quarter overdue by up to a day); one in 33
 * opened 8 days ago and escalated one level, one in 99 of the village steps two levels (to the district).
 */
export async function seedScaleData(databaseUrl: string, households: number, openCases: number): Promise<SeedCounts> {
  if (openCases > households) throw new Error(`--open-cases (${openCases}) exceeds --households (${households})`);
  const started = performance.now();
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const users = await client.query<{ id: string; username: string }>('SELECT id, username FROM "User" WHERE username = ANY($1)', [demoUsers.map((u) => u.username)]);
    const userIds = Object.fromEntries(users.rows.map((u) => [u.username, u.id]));
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO "Household" (id, "idNumber", "headName", "villageCode", "townCode", "memberCount", "laborCapacity", "perCapitaIncome", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), '500234' || lpad(g::text, 12, '0'), '压测户' || g, v.code, left(v.code, 9), 1 + g % 6,
              (ARRAY['full', 'partial', 'none'])[1 + g % 3], 3000 + g % 9000, now(), now()
       FROM generate_series(0, $1::int - 1) AS g
       JOIN (SELECT code, (row_number() OVER (ORDER BY code) - 1)::int AS i, count(*) OVER ()::int AS n FROM "Jurisdiction" WHERE level = 'VILLAGE') v ON v.i = g % v.n`,
      [households],
    );
    // The cases to open: the first openCases households, each with a stable pseudo-random bucket (stage) and times.
    await client.query(
      `CREATE TEMP TABLE seed_case ON COMMIT DROP AS
       SELECT h.id AS household_id, gen_random_uuid()::text AS case_id, h."villageCode" AS village, h."townCode" AS town, s.g,
              abs(hashtext('stage' || s.g)) % 100 AS bucket,
              (abs(hashtext('open' || s.g)) % 10000) / 10000.0 AS u,
              now() - interval '5 days' - (abs(hashtext('found' || s.g)) % 60000) * interval '1 day' / 1000 AS discovered_at
       FROM "Household" h, LATERAL (SELECT right(h."idNumber", 12)::int AS g) s
       WHERE h."idNumber" LIKE '500234%' AND length(h."idNumber") = 18 AND s.g < $1`,
      [openCases],
    );
    await client.query(
      `CREATE TEMP TABLE stage_task ON COMMIT DROP AS
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(bucket_from int, bucket_to int, stage text, seq int, step text, open boolean, role text, level text,
                                                         decisions text[], separation boolean, submitter text, decider text)`,
      [JSON.stringify(stageTaskRows(userIds))],
    );
    await client.query(
      `INSERT INTO "MonitoringCase" (id, "workflowId", "householdId", category, channel, "riskTypes", stage, "villageCode", "townCode", "policyVersion",
                                     "postingEndsAt", "identificationDueAt", "createdById", "discoveredAt", "createdAt", "updatedAt")
       SELECT c.case_id, 'monitoring-' || c.household_id, c.household_id,
              (ARRAY['UNSTABLE_ESCAPED', 'MARGINAL', 'SUDDEN_HARDSHIP'])[1 + c.g % 3], (ARRAY['SELF_REPORT', 'CADRE_VISIT', 'DEPARTMENT_ALERT'])[1 + c.g % 3],
              ARRAY[(ARRAY['ILLNESS', 'DISABILITY', 'SCHOOLING'])[1 + c.g % 3]], st.stage, c.village, c.town, 0,
              CASE WHEN st.stage IN ('HOME_VISIT', 'VILLAGE_REVIEW') THEN NULL ELSE c.discovered_at + interval '4 days' END,
              c.discovered_at + interval '30 days', $1, c.discovered_at, c.discovered_at, now()
       FROM seed_case c JOIN (SELECT DISTINCT bucket_from, bucket_to, stage FROM stage_task) st ON c.bucket >= st.bucket_from AND c.bucket < st.bucket_to`,
      [userIds['village.worker']],
    );
    await client.query(
      `INSERT INTO "Task" (id, process, "caseId", "workflowId", step, role, "jurisdictionCode", "submitterId", "separationOfDuties", status, "allowedDecisions",
                           "dueAt", "escalationLevel", "escalatedToCode", decision, comment, "completedById", "openedAt", "completedAt")
       SELECT c.case_id || '.' || t.seq, 'monitoring', c.case_id, 'monitoring-' || c.household_id, t.step, t.role::"Role", place.code, t.submitter, t.separation,
              CASE WHEN t.open THEN 'OPEN' ELSE 'COMPLETED' END::"TaskStatus", t.decisions,
              times.opened + interval '3 days', esc.level,
              CASE esc.level WHEN 0 THEN NULL WHEN 1 THEN CASE t.level WHEN 'VILLAGE' THEN c.town ELSE left(c.village, 6) END ELSE left(c.village, 6) END,
              CASE WHEN t.open THEN NULL ELSE 'approve' END, NULL, t.decider, times.opened, CASE WHEN t.open THEN NULL ELSE times.opened + interval '1 day' END
       FROM seed_case c
       JOIN stage_task t ON c.bucket >= t.bucket_from AND c.bucket < t.bucket_to
       CROSS JOIN LATERAL (SELECT CASE t.level WHEN 'VILLAGE' THEN c.village WHEN 'TOWN' THEN c.town ELSE left(c.village, 6) END AS code) place
       CROSS JOIN LATERAL (SELECT CASE WHEN NOT t.open OR t.level = 'DISTRICT' THEN 0 WHEN t.level = 'VILLAGE' AND c.g % 99 = 0 THEN 2 WHEN c.g % 33 = 0 THEN 1 ELSE 0 END AS level) esc
       CROSS JOIN LATERAL (SELECT CASE WHEN t.open AND (c.g % 33 = 0 OR c.g % 99 = 0) THEN now() - interval '8 days'
                                       WHEN t.open THEN now() - c.u * interval '4 days'
                                       ELSE c.discovered_at + t.seq * interval '1 day' END AS opened) times`,
    );
    await client.query('COMMIT');
    // Production has statistics; a fresh bulk load has none until autovacuum comes round.
    await client.query('VACUUM ANALYZE "Household", "MonitoringCase", "Task"');
    const counts = await client.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM "Household") AS households,
              (SELECT count(*) FROM "MonitoringCase" WHERE "closedAt" IS NULL) AS open_cases,
              (SELECT count(*) FROM "Task" WHERE status = 'OPEN') AS open_tasks,
              (SELECT count(*) FROM "Task" WHERE status = 'COMPLETED') AS completed_tasks,
              (SELECT count(*) FROM "Task" WHERE status = 'OPEN' AND "dueAt" <= now()) AS overdue,
              (SELECT count(*) FROM "Task" WHERE status = 'OPEN' AND "escalationLevel" > 0) AS escalated,
              (SELECT count(DISTINCT "villageCode") FROM "MonitoringCase") AS villages`,
    );
    const n = (k: string) => Number(counts.rows[0][k]);
    return {
      households: n('households'),
      openCases: n('open_cases'),
      openTasks: n('open_tasks'),
      completedTasks: n('completed_tasks'),
      overdueOpenTasks: n('overdue'),
      escalatedOpenTasks: n('escalated'),
      villages: n('villages'),
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
