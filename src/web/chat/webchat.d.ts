// What chat.js uses of the Web Chat bundle (/webchat.js, botframework-webchat's dist/webchat.js), which puts its
// API on window.WebChat. Written by hand: the package's own typings declare renderWebChat as `any` and pull in
// React. Only the options chat.js passes are listed.

/** A Direct Line connection; chat.js only hands it from createDirectLine() to renderWebChat(). */
interface WebChatDirectLine {
  readonly __webChatDirectLine: unique symbol;
}

interface WebChatStyleOptions {
  hideUploadButton?: boolean;
  sendBoxTextWrap?: boolean;
  primaryFont?: string;
  backgroundColor?: string;
  accent?: string;
  bubbleBackground?: string;
  bubbleBorderColor?: string;
  bubbleBorderWidth?: number;
  bubbleBorderRadius?: number;
  bubbleNubSize?: number;
  bubbleFromUserBackground?: string;
  bubbleFromUserTextColor?: string;
  bubbleFromUserBorderWidth?: number;
  bubbleFromUserBorderRadius?: number;
  bubbleFromUserNubSize?: number;
  botAvatarInitials?: string;
  botAvatarBackgroundColor?: string;
  suggestedActionLayout?: 'carousel' | 'flow' | 'stacked';
  suggestedActionBorderRadius?: number;
  suggestedActionBorderColor?: string;
  suggestedActionTextColor?: string;
  suggestedActionBackgroundColor?: string;
  sendBoxButtonColor?: string;
  markdownRenderHTML?: boolean;
  typingAnimationBackgroundImage?: string;
  typingAnimationWidth?: number;
  typingAnimationHeight?: number;
  timestampColor?: string;
}

interface WebChatGlobal {
  createDirectLine(options: { domain: string; token: string; webSocket: boolean }): WebChatDirectLine;
  renderWebChat(
    props: {
      directLine: WebChatDirectLine;
      userID: string;
      locale: string;
      styleOptions: WebChatStyleOptions;
      overrideLocalizedStrings: Record<string, string>;
    },
    element: HTMLElement,
  ): void;
}

interface Window {
  /** Missing when /webchat.js did not load. */
  WebChat?: WebChatGlobal;
}
