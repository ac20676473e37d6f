import { departmentLabel } from '../../domain/departments';
import { maskIdNumber } from '../../domain/id-number';
import { maskPersonalDataInText } from '../../domain/personal-data';
import type { DepartmentAlert } from '../../generated/prisma/client';

/** A department alert as a case view shows it: the ID number masked, the department labelled. */
export function departmentAlertView(a: DepartmentAlert) {
  return {
    id: a.id,
    name: a.name,
    idNumber: maskIdNumber(a.idNumber),
    department: a.department,
    departmentLabel: departmentLabel(a.department),
    trigger: maskPersonalDataInText(a.trigger),
    amount: Number(a.amount),
    date: a.alertDate.toISOString().slice(0, 10),
    importId: a.importId,
    importedAt: a.createdAt.toISOString(),
  };
}
