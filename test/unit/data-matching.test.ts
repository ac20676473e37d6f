import { dataMatchingDepartments } from '../../src/domain/monitoring/data-matching';

test('each risk is matched by the department that holds its data, each department once', () => {
  expect(dataMatchingDepartments(['ILLNESS'])).toEqual(['MEDICAL_INSURANCE']);
  expect(dataMatchingDepartments(['SCHOOLING', 'ILLNESS', 'DISABILITY'])).toEqual(['EDUCATION', 'MEDICAL_INSURANCE', 'DISABLED_PERSONS_FEDERATION']);
  expect(dataMatchingDepartments(['UNSTABLE_EMPLOYMENT', 'HOUSING_SAFETY', 'DRINKING_WATER', 'DISASTER'])).toEqual(['HUMAN_RESOURCES', 'HOUSING', 'WATER_RESOURCES', 'EMERGENCY_MANAGEMENT']);
});

test('risks with no department of their own go to 民政, once, and so does a case naming none', () => {
  expect(dataMatchingDepartments(['ACCIDENT', 'INDUSTRY_FAILURE', 'OTHER'])).toEqual(['CIVIL_AFFAIRS']);
  expect(dataMatchingDepartments(['OTHER', 'ILLNESS'])).toEqual(['CIVIL_AFFAIRS', 'MEDICAL_INSURANCE']);
  expect(dataMatchingDepartments([])).toEqual(['CIVIL_AFFAIRS']);
});
