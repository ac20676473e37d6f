import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Operator-facing only (Temporal UI filters). Never personal data; never the API's source.
export const processKey = defineSearchAttributeKey('AssistProcess', SearchAttributeType.KEYWORD);
export const caseStageKey = defineSearchAttributeKey('CaseStage', SearchAttributeType.KEYWORD);
export const townCodeKey = defineSearchAttributeKey('TownCode', SearchAttributeType.KEYWORD);
export const overdueKey = defineSearchAttributeKey('Overdue', SearchAttributeType.BOOL);

/** Every custom search attribute, as `temporal server start-dev --search-attribute NAME=TYPE` wants it. */
export const searchAttributeDefinitions = [
  { name: processKey.name, type: 'Keyword' },
  { name: caseStageKey.name, type: 'Keyword' },
  { name: townCodeKey.name, type: 'Keyword' },
  { name: overdueKey.name, type: 'Bool' },
] as const;
