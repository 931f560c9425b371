import { z } from 'zod';
import { formatPath } from '../../contract/referral-contract';
import type { PageAdapter } from '../shared/page-adapter';

// Validated where configuration is loaded (background, tests); the content script gets checked data.

const selector = z.string().trim().min(1);
const pageAdapterSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes'),
    name: z.string().min(1),
    pages: z
      .array(
        z
          .object({
            origin: z
              .string()
              .refine((value) => URL.canParse(value) && new URL(value).origin === value, 'must be an origin such as https://his.example:8443'),
            pathPrefix: z.string().startsWith('/', 'must start with /'),
          })
          .strict(),
      )
      .min(1),
    patient: z
      .object({ banner: selector, keyAttribute: z.string().min(1).optional(), key: selector.optional(), name: selector.optional(), phone: selector.optional() })
      .strict()
      .refine((p) => p.keyAttribute !== undefined || p.key !== undefined, 'needs keyAttribute or key to tell patients apart')
      .optional(),
    practitioner: z.object({ root: selector, name: selector.optional(), agbAttribute: z.string().min(1).optional() }).strict().optional(),
    scan: z.object({ include: z.array(selector), exclude: z.array(selector) }).strict(),
  })
  .strict();

const pageAdapterListSchema = z
  .object({ adapters: z.array(pageAdapterSchema) })
  .strict()
  .refine((list) => new Set(list.adapters.map((a) => a.id)).size === list.adapters.length, 'adapter ids must be unique');

/**
 * Validates page-adapter configuration (`{ adapters: [...] }`). Throws one error that lists every
 * problem with its path, because a broken adapter must never silently watch the wrong page.
 */
export function parsePageAdapters(input: unknown): PageAdapter[] {
  const result = pageAdapterListSchema.safeParse(input);
  if (result.success) return result.data.adapters;
  const problems = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('; ');
  throw new Error(`page adapters are invalid: ${problems}`);
}
