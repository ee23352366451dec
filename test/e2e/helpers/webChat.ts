import type { Locator, Page } from 'playwright-core';

/** Escapes text for a RegExp. */
export const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Matches the start of a bot text as Web Chat shows it: markdown emphasis is gone and quotes became curly ones.
 * `length` keeps the pattern inside one paragraph of the message.
 */
export function shown(text: string, length = 40): RegExp {
  const plain = text.replaceAll('**', '').replaceAll('_', '').slice(0, length);
  return new RegExp(literal(plain).replace(/'/g, "['\u2018\u2019]").replace(/"/g, '["\u201c\u201d]'));
}

/** The user's side of Web Chat, found the way a person would: by what the page shows and its roles. */
export class WebChatUser {
  constructor(readonly page: Page) {}

  /** A paragraph of a message bubble (Web Chat also keeps hidden copies of each text for screen readers). */
  said(text: RegExp | string): Locator {
    return this.page.getByRole('paragraph').filter({ hasText: text }).last();
  }

  /** The visible suggested-action buttons (a hidden live-region copy exists for screen readers). */
  get buttons(): Locator {
    return this.page.getByRole('toolbar', { name: 'Suggested actions' }).getByRole('button');
  }

  button(name: string): Locator {
    return this.page.getByRole('toolbar', { name: 'Suggested actions' }).getByRole('button', { name, exact: true });
  }

  get sendBox(): Locator {
    return this.page.getByPlaceholder('Describe the problem, or pick an option');
  }

  /** The Adaptive Cards Web Chat rendered (it renders none, and warns, when a card fails to parse). */
  get cards(): Locator {
    return this.page.locator('.webchat__adaptive-card-renderer');
  }

  get typingIndicator(): Locator {
    return this.page.locator('.webchat__typing-indicator');
  }

  async type(text: string): Promise<void> {
    await this.sendBox.fill(text);
    await this.sendBox.press('Enter');
  }

  /** Puts `text` on the clipboard and pastes it with Ctrl+V, as a person copying from the error page would. */
  async paste(text: string): Promise<void> {
    await this.page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await this.sendBox.click();
    await this.page.keyboard.press('Control+V');
    await this.sendBox.press('Enter');
  }

  /** Waits for a button, then clicks it (scrolled into view first, as a person would scroll to it). */
  async click(name: string, timeout = 10_000): Promise<void> {
    const button = this.button(name);
    await button.waitFor({ timeout });
    await button.scrollIntoViewIfNeeded();
    await button.click();
  }

  /** Waits until a bot message starting like `text` is on the page. */
  async waitForBot(text: string | RegExp, timeout = 10_000): Promise<void> {
    await this.said(typeof text === 'string' ? shown(text) : text).waitFor({ timeout });
  }
}
