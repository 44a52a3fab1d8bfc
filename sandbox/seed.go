package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Seed adds n realistic companies, the same ones for the same seed: Chinese names, matching
// provinces and cities, service dates and accounts, tags, groups, and custom fields of every
// shape the vendor shows (text, dropdown label, checkbox 是/否, several option ids, cascades of
// one to five levels, multi-choice lists, a name-style key). createDT spreads over 2015–2024 and
// mostly grows with uId, as on a real account; about 4% are soft-deleted. All are written in
// one transaction.
//
// The seeded account is the one the sample mapping (samples/mapping.yaml) describes, so that
// an export of it with that mapping validates and imports back as it is: the custom fields
// have the keys and shapes the mapping gives them (field_2 a dropdown of 普通/重要/战略,
// field_3 the 是否签约 checkbox, expect_time a date, products a multi-choice list), and every
// company has a service account, the mapping's required match key. The mapping is the
// fixed point, as the sample sheets, the template and the demo are made from it; the seeder
// is free to follow.
func (s *Store) Seed(ctx context.Context, n int, seed int64) error {
	if n < 0 {
		return fmt.Errorf("seed: n must not be negative, not %d", n)
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	defer tx.Rollback()
	ins, err := prepareInserter(ctx, tx)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	defer ins.close()
	g := newSeeder(n, seed)
	for i := range n {
		if i%1024 == 0 && ctx.Err() != nil {
			return fmt.Errorf("seed: %w", ctx.Err())
		}
		rec := g.company(i)
		if _, _, err := ins.insert(ctx, 0, &rec); err != nil {
			return fmt.Errorf("seed: company %d of %d: %w", i+1, n, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("seed: commit: %w", err)
	}
	if err := s.settle(ctx); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return nil
}

// region is a province with its cities; full is the name a cascade field shows.
type region struct {
	province, full string
	cities         []string
}

var (
	regions = []region{
		{"北京", "北京市", []string{"朝阳", "海淀", "丰台", "东城", "西城"}},
		{"上海", "上海市", []string{"浦东", "徐汇", "静安", "闵行"}},
		{"天津", "天津市", []string{"和平", "南开", "滨海"}},
		{"广东", "广东省", []string{"广州", "深圳", "东莞", "佛山", "珠海"}},
		{"浙江", "浙江省", []string{"杭州", "宁波", "温州", "绍兴"}},
		{"江苏", "江苏省", []string{"南京", "苏州", "无锡", "常州"}},
		{"四川", "四川省", []string{"成都", "绵阳", "德阳"}},
		{"湖北", "湖北省", []string{"武汉", "宜昌", "襄阳"}},
		{"山东", "山东省", []string{"济南", "青岛", "烟台"}},
		{"吉林", "吉林省", []string{"长春", "吉林"}},
		{"陕西", "陕西省", []string{"西安", "咸阳"}},
		{"福建", "福建省", []string{"福州", "厦门", "泉州"}},
		{"河南", "河南省", []string{"郑州", "洛阳"}},
		{"湖南", "湖南省", []string{"长沙", "株洲"}},
	}
	nameWords  = []string{"金万维", "华信", "博远", "天成", "中科", "恒通", "汇智", "鼎盛", "瑞达", "新创", "宏图", "联众", "星辰", "云海", "启明", "安泰", "锦程", "智联", "东方", "凯撒"}
	industries = []string{"科技", "信息技术", "网络", "软件", "贸易", "电子", "物流", "医疗器械", "教育咨询", "文化传媒", "建筑工程", "食品"}
	suffixes   = []string{"有限公司", "有限公司", "有限公司", "股份有限公司"}
	roads      = []string{"中关村大街", "人民路", "建设路", "解放路", "科技园路", "长安街", "中山路", "滨江大道"}
	buildings  = []string{"汉威国际广场", "科技大厦", "创业园", "金融中心", "软件园"}
	tags       = []string{"VIP", "重点客户", "渠道", "代理商", "续费", "试用", "大客户", "政府"}
	notes      = []string{"", "", "老客户，续费稳定", "需要定期回访", "合同已盖章", "年底续签", "关注发票问题"}
	levels     = []string{"普通", "重要", "战略"} // the sample mapping's 客户级别 choices
	channels   = []string{"电话", "微信", "邮件", "QQ", "现场"}
	products   = []string{"呼叫中心", "工单", "在线客服", "知识库"}
	optionIDs  = []string{"4672422", "4672423", "4672424", "4672425"}
	agentGroup = []string{"344124", "344214", "344217", "344301"}
	letters    = "abcdefghijklmnopqrstuvwxyz"
)

// Bounds of seeded dates, fixed so a seed always gives the same companies.
var (
	seedFrom  = time.Date(2015, 1, 1, 8, 0, 0, 0, chinaTime)
	seedUntil = time.Date(2024, 12, 31, 18, 0, 0, 0, chinaTime)
	seedLast  = time.Date(2025, 6, 30, 18, 0, 0, 0, chinaTime)
)

// seeder makes the companies of one Seed call.
type seeder struct {
	rng  *rand.Rand
	n    int
	used map[string]bool // company names, kept unique so imports can match on them
}

func newSeeder(n int, seed int64) *seeder {
	return &seeder{rng: rand.New(rand.NewPCG(uint64(seed), 0x62616e67776f38)), n: n, used: make(map[string]bool, n)}
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// subset returns each element with probability p, in order.
func subset(r *rand.Rand, s []string, p float64) []string {
	out := []string{}
	for _, e := range s {
		if r.Float64() < p {
			out = append(out, e)
		}
	}
	return out
}

func (g *seeder) company(i int) record {
	r := g.rng
	reg := pick(r, regions)
	city := pick(r, reg.cities)
	created := g.createdAt(i)
	updated := created.Add(time.Duration(r.Int64N(int64(3 * 365 * 24 * time.Hour))))
	if updated.After(seedLast) {
		updated = seedLast.Add(-time.Duration(r.Int64N(int64(30 * 24 * time.Hour))))
	}
	rec := newRecord(created)
	rec.UpdateDT = formatDateTime(updated)
	rec.CompanyName = g.name(reg, city)
	rec.Province, rec.City = reg.province, city
	if r.IntN(100) < 85 {
		start := created.AddDate(0, 0, r.IntN(60))
		rec.ServiceStartTime = start.Format(dateLayout)
		rec.ServiceEndTime = start.AddDate(1+r.IntN(3), 0, -1).Format(dateLayout)
	}
	rec.ServiceAccount = "bw" + strconv.Itoa(100000+i)
	if r.IntN(100) < 90 {
		rec.ServicePassword = g.word(8)
	}
	if r.IntN(100) < 20 {
		rec.ServiceCharge = fmt.Sprintf("%d.%02d", r.IntN(50000), r.IntN(100))
	}
	rec.Address = fmt.Sprintf("%s%s%s%d号%s", reg.full, city, pick(r, roads), 1+r.IntN(300), pick(r, buildings))
	if r.IntN(100) < 50 {
		rec.UserURL = "https://www." + g.word(6) + ".com"
	}
	rec.ServeNote = pick(r, notes)
	rec.TableName = strings.Join(subset(r, tags, 0.15), ",")
	if r.IntN(100) < 40 {
		rec.UserGroup = int64(101 + r.IntN(8))
	}
	rec.ServiceGroupID = strings.Join(subset(r, agentGroup, 0.3), ",")
	if r.IntN(100) < 30 {
		rec.SupportID = int64(20001 + r.IntN(50))
	}
	if r.IntN(100) < 10 {
		rec.MultiServiceList = "N1331193N"
	}
	if r.IntN(100) < 4 {
		rec.Status = statusDeleted
	}
	rec.CustomFields = g.customFields(reg, city, created)
	return rec
}

// createdAt spreads creation over the seeded years, growing with i, with one in twenty
// companies out of order (imported from elsewhere).
func (g *seeder) createdAt(i int) time.Time {
	span := seedUntil.Sub(seedFrom)
	if g.rng.IntN(20) == 0 || g.n == 0 {
		return seedFrom.Add(time.Duration(g.rng.Int64N(int64(span)))).Truncate(time.Second)
	}
	step := float64(span) / float64(g.n)
	return seedFrom.Add(time.Duration((float64(i) + g.rng.Float64()) * step)).Truncate(time.Second)
}

// name returns a company name not used before in this seeding.
func (g *seeder) name(reg region, city string) string {
	r := g.rng
	for attempt := 0; ; attempt++ {
		place := city
		if r.IntN(3) == 0 {
			place = reg.province
		}
		name := place + pick(r, nameWords) + pick(r, industries) + pick(r, suffixes)
		if attempt > 3 {
			name = fmt.Sprintf("%s%s%s第%d分公司", place, pick(r, nameWords), pick(r, industries), attempt)
		}
		if !g.used[name] {
			g.used[name] = true
			return name
		}
	}
}

func (g *seeder) word(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[g.rng.IntN(len(letters))]
	}
	return string(b)
}

// customFields gives every value shape a client must read.
func (g *seeder) customFields(reg region, city string, created time.Time) []customField {
	r := g.rng
	text := func(s string) json.RawMessage { b, _ := json.Marshal(s); return b }
	list := func(s []string) json.RawMessage { b, _ := json.Marshal(s); return b }
	deptid := ""
	if r.IntN(2) == 0 {
		deptid = strconv.FormatInt(100000000000+r.Int64N(900000000000), 10)
	}
	cascade := []string{reg.full, city, "三级" + strconv.Itoa(1+r.IntN(3)), "四级" + strconv.Itoa(1+r.IntN(3)), "五级" + strconv.Itoa(1+r.IntN(3))}
	checkbox := "否"
	if r.IntN(3) == 0 {
		checkbox = "是"
	}
	signed := "否"
	if r.IntN(2) == 0 {
		signed = "是"
	}
	expect := ""
	if r.IntN(2) == 0 {
		expect = created.AddDate(0, 1+r.IntN(6), 0).Format(dateLayout)
	}
	return []customField{
		{Key: "deptid", Value: text(deptid)},
		{Key: "field_1", Value: list(cascade[:1+r.IntN(5)])},
		{Key: "field_2", Value: text(pick(r, levels))},
		{Key: "field_3", Value: text(signed)},
		{Key: "contract_no", Value: text(fmt.Sprintf("HT%d-%05d", created.Year(), r.IntN(100000)))},
		{Key: "fxk", Value: text(checkbox)},
		{Key: "gjfx", Value: text(strings.Join(subset(r, optionIDs, 0.4), ","))},
		{Key: "field_5", Value: list(subset(r, channels, 0.3))},
		{Key: "products", Value: list(subset(r, products, 0.3))},
		{Key: "expect_time", Value: text(expect)},
	}
}
