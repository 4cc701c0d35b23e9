/** Turns a rejected request body into the API's 400 answer: `{error, field, rule}`. */
import type { z } from 'zod';

export interface BadRequest {
  error: string;
  field: string;
  rule: string;
  article?: string;
}

/** Fields whose allowed values come from an article of the regulation. */
const articleRules: Record<string, { rule: string; article: string }> = {
  kind: { rule: 'meeting-kind', article: '7' },
  'emergency.reason': { rule: 'emergency-reason', article: '8.2' },
};

/** The error of a classic schema or of a zod/mini one (the shared message schemas): both are core errors. */
export function badRequest(error: z.core.$ZodError): BadRequest {
  const issue = error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : '(body)';
  const fromArticle = articleRules[field];
  const unknownKeys = issue.code === 'unrecognized_keys' ? `: ${issue.keys.join(', ')}` : '';
  return {
    error: `${field}: ${issue.message}${unknownKeys}${fromArticle ? ` (art. ${fromArticle.article})` : ''}`,
    field,
    rule: fromArticle?.rule ?? 'schema',
    ...(fromArticle ? { article: fromArticle.article } : {}),
  };
}
