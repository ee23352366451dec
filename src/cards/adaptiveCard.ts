/**
 * The subset of Adaptive Card 1.5 (the newest version Teams renders) that our cards use. Structural only, so
 * neither the bot nor the notifier depends on an SDK.
 */
export type CardSpacing = 'None' | 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge' | 'Padding';
export type CardColor = 'Default' | 'Dark' | 'Light' | 'Accent' | 'Good' | 'Warning' | 'Attention';

interface ElementBase {
  id?: string;
  spacing?: CardSpacing;
  separator?: boolean;
}

export interface TextBlock extends ElementBase {
  type: 'TextBlock';
  text: string;
  wrap?: boolean;
  size?: 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge';
  weight?: 'Lighter' | 'Default' | 'Bolder';
  color?: CardColor;
  isSubtle?: boolean;
  /** "heading" (1.5) lets screen readers announce it as a heading. */
  style?: 'default' | 'heading';
}

export interface FactSet extends ElementBase {
  type: 'FactSet';
  facts: { title: string; value: string }[];
}

export interface Container extends ElementBase {
  type: 'Container';
  items: CardElement[];
  style?: 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';
}

/** A button. In Teams, `data.msteams.type: 'imBack'` posts the value as the user's own message, like a hero card's imBack. */
export interface SubmitAction {
  type: 'Action.Submit';
  title: string;
  data?: { msteams?: { type: 'imBack'; value: string } };
}

export interface ActionSet extends ElementBase {
  type: 'ActionSet';
  actions: SubmitAction[];
}

export type CardElement = TextBlock | FactSet | Container | ActionSet;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  version: '1.5';
  body: CardElement[];
  actions?: SubmitAction[];
  /** Shown by hosts that cannot render the card (and read out by some notification previews). */
  fallbackText?: string;
  /** Teams-only: use the full message width, since the fact tables are wide. */
  msteams?: { width: 'Full' };
}
