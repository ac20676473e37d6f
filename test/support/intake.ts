import { demoVillage } from '../../src/demo/seed';
import { newIdNumber } from './ids';

/** A valid `POST /api/monitoring-cases` body for the demo village; tests override what they are about. */
export function intakeBody(household: Partial<{ headName: string; idNumber: string; phone: string; villageCode: string; memberCount: number; laborCapacity: string }> = {}, rest: Record<string, unknown> = {}) {
  return {
    household: { headName: '演示户主', idNumber: newIdNumber(), villageCode: demoVillage, memberCount: 4, laborCapacity: 'partial', ...household },
    category: 'MARGINAL',
    channel: 'CADRE_VISIT',
    riskTypes: ['ILLNESS'],
    perCapitaIncome: 5600,
    ...rest,
  };
}
