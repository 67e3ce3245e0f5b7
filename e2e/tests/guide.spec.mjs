// The procedure guide in Chromium: a death case on the resident page (/apply), a 重度
// 身体障害者手帳 case at the counter (/counter), with the listed procedures, their reasons,
// deadlines as dates, and screenshots kept in e2e/artifacts/.
import { test, expect } from '@playwright/test';
import { ADMIN_PASSWORD, answerShown, snapshot, watchErrors } from './fixtures/pages.mjs';

/** The 手帳 case's questions never shown: the household's 非課税, since a 1級 世帯主 and
 *  受信契約者 applies for the NHK exemption either way. What no status needs (the 交付日, the
 *  number of dependants) stays asked: the forms of the procedures that apply print it. */
const SKIPPED_TECHO = ['世帯の全員が市民税（住民税）非課税ですか'];

/** Answers a yes/no or choice question by its wording, or fills a number or date field. */
async function answer(page, question, value) {
  const group = page.getByRole('group', { name: question });
  if (typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}$/.test(value) && !/^\d+$/.test(value)) {
    await group.getByRole('radio', { name: value, exact: true }).check();
  } else {
    await page.getByLabel(question, { exact: true }).fill(String(value));
  }
}

function group(page, heading) {
  return page.locator('section.group').filter({ has: page.getByRole('heading', { name: heading }) });
}

function card(page, name) {
  return page.locator('article.procedure').filter({ has: page.getByRole('heading', { name, exact: true }) });
}

test('a death case on /apply: the list, its reasons and deadlines, kept only in the link', async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 390, height: 844 });
  const apiCalls = [];
  page.on('request', (r) => new URL(r.url()).pathname.startsWith('/api/') && apiCalls.push(r.url()));

  await page.goto('/apply?city=kitakyushu');
  await expect(page.getByRole('heading', { name: 'どのようなことがありましたか' })).toBeVisible();
  await page.getByRole('button', { name: /ご家族が亡くなったとき/ }).click();

  // Nothing answered yet: nothing is excluded, everything waits for an answer.
  await expect(group(page, /確認が必要/)).toBeVisible();
  await expect(group(page, /必要な手続き/)).toHaveCount(0);

  await answer(page, '亡くなった日はいつですか', '2026-11-20');
  await answer(page, '死亡届はもう出しましたか（葬儀社が出した場合を含みます）', 'はい');
  await answer(page, '亡くなった方は何歳でしたか', '80');
  await answer(page, '亡くなった方の健康保険はどれでしたか', '後期高齢者医療');
  await answer(page, '亡くなった方は世帯主でしたか', 'はい');
  await answer(page, '同じ世帯に残る方のうち、15歳以上の方は何人ですか', '2');
  await answer(page, '亡くなった方は年金を受け取っていましたか', 'はい');
  await answer(page, '受け取っていた年金はどれですか', '国民年金だけ');
  await answer(page, '亡くなった方と生計を同じくしていたご家族はいますか', 'はい');

  const required = group(page, /必要な手続き/);
  for (const name of [
    '後期高齢者医療の資格喪失（資格確認書・保険証・限度額認定証などの返却）',
    '後期高齢者医療の葬祭費の申請',
    '介護保険の資格喪失届（被保険者証・負担割合証などの返却）',
    '世帯主変更届',
    '未支給年金の請求',
  ]) {
    await expect(required.getByRole('heading', { name, exact: true })).toBeVisible();
  }
  const kaigo = card(page, '介護保険の資格喪失届（被保険者証・負担割合証などの返却）');
  await expect(kaigo).toContainText('亡くなった方の年齢: 80歳（介護保険 第1号被保険者の年齢 65歳以上）');
  await expect(kaigo).toContainText('令和8年12月4日（金）まで（亡くなった日から14日以内）');
  await expect(kaigo).toContainText('区役所 保健福祉課（介護保険）');
  await expect(card(page, '世帯主変更届')).toContainText('残る世帯員のうち15歳以上の人数: 2人（2人以上）');
  // Already filed: the death registration is listed as not applicable, with why.
  await page.getByText(/^対象外/).click();
  await expect(page.locator('details.not-applicable')).toContainText('死亡届は提出済みです');
  // The 国保 procedures do not apply to someone on 後期高齢者医療.
  await expect(required.getByRole('heading', { name: /国民健康保険/ })).toHaveCount(0);

  // An unanswered question never excludes: 手帳の返還 waits for its answer, and the button
  // takes the resident to that question.
  const techo = card(page, '身体障害者手帳の返還');
  await expect(group(page, /確認が必要/).locator('article.procedure', { has: page.getByRole('heading', { name: '身体障害者手帳の返還' }) })).toBeVisible();
  await techo.getByRole('button', { name: 'この質問に答える' }).click();
  await expect(page.getByRole('group', { name: '亡くなった方は身体障害者手帳を持っていましたか' }).getByRole('radio').first()).toBeFocused();
  await answer(page, '亡くなった方は身体障害者手帳を持っていましたか', 'はい');
  await expect(required.getByRole('heading', { name: '身体障害者手帳の返還', exact: true })).toBeVisible();

  // The answers are in the link; opening it again shows the same list.
  const link = page.url();
  expect(new URL(link).hash).toContain('deceased_age=80');
  await snapshot(page, 'guide-apply-okuyami');
  await page.emulateMedia({ media: 'print' });
  await snapshot(page, 'guide-apply-okuyami-print');
  await page.emulateMedia({ media: 'screen' });
  const again = await page.context().newPage();
  await again.setViewportSize({ width: 390, height: 844 });
  await again.goto(link);
  await expect(group(again, /必要な手続き/).getByRole('heading', { name: '未支給年金の請求', exact: true })).toBeVisible();
  await expect(group(again, /必要な手続き/).getByRole('heading', { name: '身体障害者手帳の返還', exact: true })).toBeVisible();
  await again.close();

  // A link with a value that does not fit is read as far as it goes and says what it dropped.
  await page.goto('/apply#okuyami/kitami?deceased_age=abc&householder=1');
  await expect(page.getByRole('alert')).toContainText('deceased_age');
  await expect(page.getByRole('group', { name: '亡くなった方は世帯主でしたか' }).getByRole('radio', { name: 'はい' })).toBeChecked();

  expect(apiCalls, 'the resident guide sends nothing to the server').toEqual([]);
  errors.assertNone();
});

test('a 重度身体障害者手帳 case at the counter: list, reasons, city differences, marks and the saved record', async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('/counter');
  await page.getByLabel('ログインID').fill('admin');
  await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByLabel('市').selectOption({ label: '北九州市' });
  await page.getByRole('button', { name: /身体障害者手帳/ }).click();

  // Only questions that can still change something are shown (issue 20): the 交付日 decides
  // nothing and is asked once a form that prints it applies.
  await expect(page.getByRole('group', { name: '身体障害者手帳の手続きはどこまで進んでいますか' })).toBeVisible();
  await expect(page.getByLabel('手帳を受け取った日（まだ届いていない方は申請した日）はいつですか', { exact: true })).toHaveCount(0);
  const skipped = await answerShown(page, [
    ['身体障害者手帳の手続きはどこまで進んでいますか', '手帳を受け取った'],
    ['手帳を受け取った日（まだ届いていない方は申請した日）はいつですか', '2026-11-20'],
    ['ご本人の生年月日はいつですか', '1956-05-01'],
    ['手帳の等級（総合等級）は何級ですか', '1'],
    ['手帳に書かれている障害をすべて選んでください', ['心臓機能障害']],
    ['ご本人の健康保険はどれですか', '国民健康保険'],
    ['ご本人はいまどこで暮らしていますか', '自宅（入院が3か月以内の場合を含む）'],
    ['ご本人の前年の所得（控除を引いた額）はいくらですか', '2000000'],
    ['ご本人の扶養親族は何人ですか', '1'],
    ['ご本人の生計を主に支えているのはどなたですか', 'ご本人'],
    ['世帯の全員が市民税（住民税）非課税ですか', 'いいえ'],
    ['ご本人が世帯主で、NHKの受信契約もご本人の名義ですか', 'はい'],
    ['補装具（車椅子・補聴器・義肢・装具・つえなど）を作ったり、修理したりする予定はありますか', 'いいえ'],
    ['ご本人の通院や通学・通勤などに車を使いますか。使う場合、その車は軽自動車ですか', 'ご本人が運転する（軽自動車）'],
  ]);
  expect(skipped).toEqual(SKIPPED_TECHO);

  const required = group(page, /必要な手続き/);
  const may = group(page, /対象の可能性あり/);
  for (const name of ['福祉優待乗車証（市営バス）の交付申請', '駐車禁止除外指定車標章の交付申請', 'NHK受信料の免除申請', '障害者控除（所得税・住民税の申告）']) {
    await expect(required.getByRole('heading', { name, exact: true })).toBeVisible();
  }
  // 70 years old on 国保: 重度医療 needs the 後期 障害認定 first, and says so.
  await expect(may.getByRole('heading', { name: '重度障害者医療証の交付申請', exact: true })).toBeVisible();
  await expect(card(page, '重度障害者医療証の交付申請')).toContainText('65〜74歳の方は、先に後期高齢者医療の障害認定を受けると対象になります');
  await expect(card(page, '重度障害者医療証の交付申請')).toContainText('ご本人の年齢: 70歳');
  await expect(may.getByRole('heading', { name: '後期高齢者医療の障害認定の申請', exact: true })).toBeVisible();
  await expect(card(page, '駐車禁止除外指定車標章の交付申請')).toContainText('住所地を管轄する警察署（福岡県警察）');
  await snapshot(page, 'guide-counter-techo-kitakyushu');

  // A 3級 心臓 holder aged 50: 北九州市 covers 1・2級 only, 北見市 also 3級 内部障害.
  await answer(page, 'ご本人の生年月日はいつですか', '1976-05-01');
  await answer(page, '手帳の等級（総合等級）は何級ですか', '3');
  await page.getByText(/^対象外/).click();
  await expect(page.locator('details.not-applicable')).toContainText('北九州市の重度障害者医療は、身体障害者手帳1級・2級の方が対象です');
  await page.getByLabel('市').selectOption({ label: '北見市' });
  const kitamiCard = card(page, '重度心身障がい者医療費受給者証の交付申請');
  await expect(group(page, /必要な手続き/).getByRole('heading', { name: '重度心身障がい者医療費受給者証の交付申請', exact: true })).toBeVisible();
  await expect(kitamiCard).toContainText('6,536,000円未満');
  await expect(kitamiCard).toContainText('国保医療課 医療助成係');

  // Staff mark what was done today, and keep the result with the counter record.
  await card(page, '北見市バス乗車証の交付申請（高齢者・障がい者バス料金助成）').getByRole('button', { name: '本日受付' }).click();
  await expect(card(page, '北見市バス乗車証の交付申請（高齢者・障がい者バス料金助成）').getByRole('button', { name: '本日受付' })).toHaveAttribute('aria-pressed', 'true');
  await kitamiCard.getByRole('button', { name: '後日' }).click();
  await snapshot(page, 'guide-counter-techo-kitami');
  await page.getByRole('button', { name: '記録を保存' }).click();
  await expect(page.getByRole('status').filter({ hasText: '記録を保存しました' })).toBeVisible();

  const records = await page.evaluate(async () => (await fetch('/api/offices/kokurakita/guide-records')).json());
  const saved = records[0];
  expect(saved.pack).toBe('shintai-techo');
  expect(saved.city).toBe('kitami');
  expect(saved.version).toMatch(/^\d{4}\.\d+\.\d+$/);
  expect(saved.answers.grade).toBe(3);
  expect(saved.procedures.find((p) => p.id === 'bus')).toMatchObject({ status: 'required', mark: 'today' });
  expect(saved.procedures.find((p) => p.id === 'juudo-iryo')).toMatchObject({ status: 'required', mark: 'later' });
  errors.assertNone();
});

/** `days` from today in Japan (the guide counts days in JST), as a date input takes it. */
function jstDay(days) {
  const d = new Date(Date.now() + 9 * 3_600_000 + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

test('a birth on /apply (issue 20 item 5): a parent on a phone gets the whole list with nothing left to confirm', async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/apply?city=kitakyushu');
  await page.getByRole('button', { name: /赤ちゃんが生まれたとき/ }).click();
  const left = await answerShown(page, [
    ['赤ちゃんが生まれた日はいつですか', jstDay(-3)],
    ['出生届はもう出しましたか（里帰り先など、ほかの市区町村に出した場合を含みます）', 'いいえ'],
    ['赤ちゃんは国外で生まれましたか', 'いいえ'],
    ['生活保護を受けていますか', 'いいえ'],
    ['赤ちゃんは国民健康保険に入りますか', 'いいえ'],
    ['出産した方（お母さん）は国民健康保険に入っていますか', 'いいえ'],
    ['出産した方（お母さん）は、国民年金の第1号被保険者（自営業・学生・無職などで、自分で保険料を納める方）ですか', 'いいえ'],
    ['出産育児一時金の直接支払制度（または受取代理制度）を使いましたか', '使った（出産費用は一時金の額以上だった）'],
    ['児童手当を受け取る方（父母のうち所得の高い方）は公務員ですか', 'いいえ'],
    ['上のお子さんの児童手当を、いま受け取っていますか', 'いいえ'],
    ['赤ちゃんをひとりで育てますか（父母が婚姻していない、離婚したなど）', 'いいえ'],
    ['赤ちゃんは、医師から入院して養育を受ける必要があると言われていますか（NICUなどに入院中）', 'いいえ'],
    ['赤ちゃんの生まれたときの体重は何グラムでしたか', '3000'],
  ]);
  expect(left).toEqual([]);
  await expect(group(page, /確認が必要/)).toHaveCount(0);
  const required = group(page, /必要な手続き/);
  for (const name of ['出生届', '勤務先の健康保険の扶養に入れる届出（被扶養者異動届）', '児童手当の認定請求', '子ども医療証の交付申請', '妊婦のための支援給付（2回目）の申請']) {
    await expect(required.getByRole('heading', { name, exact: true })).toBeVisible();
  }
  // The 出生届's last day is a date, 14 days counting the day of birth (戸籍法第43条・第49条).
  await expect(card(page, '出生届')).toContainText('生まれた日からかぞえて14日以内');
  await snapshot(page, 'guide-apply-shussan-kitakyushu');
  errors.assertNone();
});

// Issue 22: the guide's own content — events, questions, options, procedure names, deadlines,
// counters — in the resident's language, from the translated packs fetched for it
// (/lang/packs/en.json), not only the page's labels.
test('the guide on /apply in English: questions, procedures, deadlines and counters from the translated packs', async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 390, height: 844 });
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto('/apply?city=kitakyushu&lang=en');
  await expect(page.getByRole('heading', { name: 'What has happened?' })).toBeVisible();
  await page.getByRole('button', { name: /When a family member dies/ }).click();
  await answer(page, 'What was the date of death?', '2026-11-20');
  await answer(page, 'Has the death registration already been submitted (including by the funeral company)?', 'Yes');
  await answer(page, 'How old was the deceased?', '80');
  await answer(page, 'Which health insurance did the deceased have?', 'Medical care for people 75 and over (後期高齢者医療)');
  const kaigo = card(page, 'Notice of loss of long-term care insurance (介護保険) coverage (return of the insurance card, cost-sharing ratio certificate and similar cards)');
  await expect(kaigo).toBeVisible();
  await expect(kaigo).toContainText('Within 14 days of the date of death');
  await expect(kaigo).toContainText('Ward Office, Health and Welfare Section, long-term care insurance');
  await expect(card(page, 'Application for the funeral expenses allowance of medical care for people 75 and over (後期高齢者医療)')).toBeVisible();
  expect(fetched).toContain('/lang/packs/en.json');
  expect(fetched.filter((p) => p.startsWith('/lang/packs/') && !p.endsWith('/en.json'))).toEqual([]);
  await snapshot(page, 'guide-apply-okuyami-en');
  errors.assertNone();
});
