// Judging one checklist answer on the phone, so an out-of-range reading shows as failed the
// moment it is typed, offline. The rules are those of backend/inspections/checks.py (the
// server evaluates again on receipt and is the authority); keep the two in step.
// Pure: no DOM, no i18n. A reason is {key, params} for the screen to translate.

/** The answer that counts for each item: the newest by clock (events come oldest first). */
export function latestAnswers(answerEvents) {
  const byItem = {};
  for (const event of answerEvents) byItem[event.item] = event;
  return byItem;
}

export function photoCounts(photoEvents) {
  const counts = {};
  for (const photo of photoEvents) if (photo.item) counts[photo.item] = (counts[photo.item] ?? 0) + 1;
  return counts;
}

function result(outcome, key, params = {}) {
  return { outcome, reason: { key, params } };
}

/** {outcome: pass|fail|na|answered|incomplete, reason}; `answer` may be undefined (not yet answered). */
export function evaluate(item, answer, photoCount = 0) {
  const given = answer ?? { value: null, not_applicable: false, note: '' };
  if (given.not_applicable) return result('na', 'na');
  if (item.photo_required && photoCount < 1) return result('incomplete', 'needsPhoto');
  switch (item.kind) {
    case 'pass_fail_na': return passFail(given);
    case 'reading': return reading(item, given);
    case 'choice': return choice(item, given);
    case 'text': return text(item, given);
    case 'photo': return photoCount >= 1 ? result('answered', 'photos', { count: photoCount }) : unanswered(item);
    default: return result('incomplete', 'unknownKind');
  }
}

function unanswered(item) {
  return item.required ? result('incomplete', 'required') : result('na', 'optionalBlank');
}

function passFail(answer) {
  if (answer.value === true) return result('pass', 'pass');
  if (answer.value === false) return result('fail', 'fail');
  return result('incomplete', 'required');
}

/** "10.8–13.2", "≥ 5", "≤ 3" (numbers as typed in the template). */
export function rangeText(item) {
  const low = item.min ?? null;
  const high = item.max ?? null;
  if (low === null && high === null) return '';
  if (low === null) return `≤ ${high}`;
  if (high === null) return `≥ ${low}`;
  return `${low}–${high}`;
}

/** A typed reading as a number, or null for empty / not a number ("12,5" is accepted). */
export function parseReading(text) {
  const cleaned = String(text ?? '').trim().replace(',', '.');
  if (!cleaned) return null;
  const value = Number(cleaned);
  return Number.isFinite(value) ? value : null;
}

function reading(item, answer) {
  const value = answer.value;
  if (typeof value !== 'number' || !Number.isFinite(value)) return unanswered(item);
  const params = { value, unit: item.unit, range: rangeText(item) };
  const tooLow = item.min != null && value < item.min;
  const tooHigh = item.max != null && value > item.max;
  return tooLow || tooHigh ? result('fail', 'outOfRange', params) : result('pass', 'inRange', params);
}

function choice(item, answer) {
  if (typeof answer.value !== 'string' || !answer.value) return unanswered(item);
  const option = item.options.find((o) => o.key === answer.value);
  if (!option) return result('incomplete', 'required');
  const failing = item.failing ?? [];
  if (failing.includes(answer.value)) return result('fail', 'choiceFails', { option: option.label });
  return result(failing.length ? 'pass' : 'answered', 'choice', { option: option.label });
}

function text(item, answer) {
  if (typeof answer.value === 'string' && answer.value.trim()) return result('answered', 'text');
  return unanswered(item);
}

/** Every item judged: [{item, answer, photos, outcome, reason}] in template order. */
export function judgeAll(items, answers, counts) {
  return items.map((item) => ({
    item, answer: answers[item.key], photos: counts[item.key] ?? 0,
    ...evaluate(item, answers[item.key], counts[item.key] ?? 0),
  }));
}
