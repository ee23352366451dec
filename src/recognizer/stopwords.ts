/**
 * Words that carry no meaning for routing. Keeps "not", "never", "new", "home" and "forgot", which separate
 * our branches; drops yes/no, which answer a question rather than name a problem.
 */
export const STOPWORDS = new Set(
  `a about after again all am an and any are as at be been before being but by can could did do does doing
  for from had has have having he her here hers him his i i'm id im if in into is it its it's just me
  my myself of on once only or our ours out over own she so some such than that the their them then there
  these they this those through to too up us very was we were what when where which while who whom why will
  with would you your yours yourself hi hello hey please thanks thank help trying try get got getting keep
  keeps account microsoft work school yes ok okay`
    .split(/\s+/)
    .filter(Boolean),
);
