import type { Attachment } from 'botbuilder';

type Titled = { title?: unknown };
type AdaptiveContent = { buttons?: Titled[]; actions?: Titled[]; body?: { type?: unknown; actions?: Titled[] }[] };

/** Titles of the buttons in message attachments: a hero card's buttons, an Adaptive Card's actions and ActionSets. */
export function cardButtonTitles(attachments: Partial<Attachment>[] | undefined): string[] {
  return (attachments ?? []).flatMap((a) => {
    const content = (a.content ?? {}) as AdaptiveContent;
    const sets = Array.isArray(content.body) ? content.body.filter((e) => e?.type === 'ActionSet').flatMap((e) => e.actions ?? []) : [];
    return [...(content.buttons ?? []), ...(content.actions ?? []), ...sets].map((b) => (typeof b.title === 'string' ? b.title : ''));
  });
}
