import { z } from 'zod';
import { durationSchema } from './duration';

/** Steps that have a due period of their own. Each process adds its steps here. */
export const slaSteps = ['HOME_VISIT', 'VILLAGE_REVIEW', 'TOWN_REVIEW', 'DISTRICT_APPROVAL'] as const;
export type SlaStep = (typeof slaSteps)[number];

/** Policy settings: every duration is ISO 8601 so tests and demos can use seconds. */
export const policySettingsSchema = z.object({
  stepDue: z.object(Object.fromEntries(slaSteps.map((s) => [s, durationSchema])) as Record<SlaStep, typeof durationSchema>),
  /** After the due time, how long until a still-open step escalates one level up (and again after each further period). */
  escalationAfter: durationSchema,
  /** Whole identification, from discovery to monitored (*precedent*: 15 days). */
  identificationLimit: durationSchema,
});
export type PolicySettings = z.infer<typeof policySettingsSchema>;

/** Defaults from shared/domain.md; *precedent* figures, meant to be changed through policy versions. */
export const defaultPolicySettings: PolicySettings = {
  stepDue: { HOME_VISIT: 'P3D', VILLAGE_REVIEW: 'P3D', TOWN_REVIEW: 'P3D', DISTRICT_APPROVAL: 'P3D' },
  escalationAfter: 'P2D',
  identificationLimit: 'P15D',
};

/** A policy version as a workflow pins it at start. Version 0 is the built-in default. */
export interface PinnedPolicy {
  version: number;
  settings: PolicySettings;
}
