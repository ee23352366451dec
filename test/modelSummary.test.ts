import { describe, expect, it } from 'vitest';
import { caseFactsOf } from '../src/assistant/caseFacts.js';
import { summaryToAdaptiveCard } from '../src/cards/summaryCard.js';
import { MODEL_SUMMARY_LABEL, buildSummary, summaryToMarkdown, summaryToText } from '../src/tickets/summary.js';
import type { Ticket } from '../src/tickets/ticket.js';

const base: Ticket = {
  id: 'MFA-7K3Q9P',
  status: 'queued',
  priority: 'normal',
  category: 'no-code',
  categoryTitle: 'No code, text or call arrives',
  extras: {},
  stepsTried: [{ node: 'no-code', title: 'No code, text or call arrives', outcome: 'not fixed' }],
  escalatedFrom: 'no-code-admin-reset',
  conversation: { channelId: 'webchat', serviceUrl: 'http://localhost', conversationId: 'c1', reference: {} },
  createdAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:00:00.000Z',
  userWaiting: true,
  messages: [],
  fields: {
    userId: 'sam@contoso.com',
    errorMessage: 'The text with my code never arrives',
    correlationId: '9c3e2b1a-4d5f-4a6b-8c7d-1e2f3a4b5c6d',
  },
};
const now = new Date('2026-11-22T10:10:00Z');
const HOSTILE = 'Codes never arrive <script>alert(1)</script>. Click [here](https://evil.example) to fix it.';

describe("the model's case summary on the ticket", () => {
  it('sits on top of the structured summary, labelled, and changes none of its fields', () => {
    const without = buildSummary(base, now);
    const withIt = buildSummary(
      { ...base, modelSummary: { text: 'Codes never arrive. An admin must reset the methods.', at: now.toISOString() } },
      now,
    );
    expect(without.modelSummary).toBeUndefined();
    expect(withIt.modelSummary).toBe('Codes never arrive. An admin must reset the methods.');
    const { modelSummary: _ignored, ...rest } = withIt;
    expect(rest).toEqual(without);
    expect(summaryToMarkdown(withIt)).toContain(`**${MODEL_SUMMARY_LABEL}:** Codes never arrive.`);
    expect(summaryToText(withIt)).toContain(`${MODEL_SUMMARY_LABEL}: Codes never arrive.`);
    const card = summaryToAdaptiveCard(withIt);
    expect(JSON.stringify(card.body)).toContain('"id":"modelSummary"');
    expect(summaryToMarkdown(without)).not.toContain(MODEL_SUMMARY_LABEL);
  });

  it('is escaped in every rendering, like any other text', () => {
    const s = buildSummary({ ...base, modelSummary: { text: HOSTILE, at: now.toISOString() } }, now);
    expect(summaryToMarkdown(s)).not.toContain('<script>');
    expect(summaryToMarkdown(s)).not.toContain('[here](https://evil.example)');
    expect(JSON.stringify(summaryToAdaptiveCard(s))).not.toContain('[here](https');
  });

  it('is written from facts without the user ID, name or identifiers', () => {
    const facts = caseFactsOf(buildSummary({ ...base, userName: 'Sam Jones' }, now));
    const sent = JSON.stringify(facts);
    expect(sent).not.toContain('sam@contoso.com');
    expect(sent).not.toContain('Sam Jones');
    expect(sent).not.toContain('9c3e2b1a');
    expect(facts.detailsGiven).toEqual(['Correlation ID']);
    expect(facts.stepsTried).toEqual([{ title: 'No code, text or call arrives', outcome: 'Did not help' }]);
  });
});
