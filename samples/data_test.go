package samples

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// The sample companies are made from these parts by a seeded generator, so that the files can
// be rebuilt byte for byte (go test ./samples -run TestGenerate -update).
var (
	cities = []struct{ province, city, district string }{
		{"北京市", "北京市", "朝阳区"}, {"上海市", "上海市", "浦东新区"}, {"广东省", "深圳市", "南山区"},
		{"广东省", "广州市", "天河区"}, {"浙江省", "杭州市", "西湖区"}, {"江苏省", "南京市", "鼓楼区"},
		{"四川省", "成都市", "武侯区"}, {"湖北省", "武汉市", "洪山区"}, {"山东省", "青岛市", "市南区"},
		{"陕西省", "西安市", "雁塔区"},
	}
	brands = []struct{ zh, latin string }{
		{"星河", "xinghe"}, {"远景", "yuanjing"}, {"华信", "huaxin"}, {"启明", "qiming"}, {"长风", "changfeng"},
		{"博远", "boyuan"}, {"云帆", "yunfan"}, {"天合", "tianhe"}, {"智达", "zhida"}, {"恒通", "hengtong"},
		{"瑞丰", "ruifeng"}, {"新锐", "xinrui"}, {"海纳", "haina"}, {"金桥", "jinqiao"}, {"蓝海", "lanhai"},
		{"鼎盛", "dingsheng"}, {"卓越", "zhuoyue"}, {"光华", "guanghua"}, {"同创", "tongchuang"}, {"万象", "wanxiang"},
		{"中和", "zhonghe"}, {"安捷", "anjie"}, {"宏图", "hongtu"}, {"明德", "mingde"}, {"汇丰达", "huifengda"},
	}
	trades = []struct{ zh, latin string }{
		{"科技", "tech"}, {"网络", "net"}, {"贸易", "trade"}, {"物流", "logistics"}, {"教育", "edu"},
		{"医疗器械", "medical"}, {"软件", "soft"}, {"餐饮管理", "food"}, {"建设工程", "build"}, {"文化传媒", "media"},
	}
	streets  = []string{"建国路", "人民路", "中山路", "科技园路", "解放大道", "文三路", "长江路", "高新路"}
	tags     = []string{"VIP", "老客户", "华北", "华东", "华南", "西部", "渠道", "直销", "续费中"}
	levels   = []string{"普通", "普通", "重要", "战略"}
	products = []string{"工单系统", "呼叫中心", "在线客服", "知识库", "CRM"}
	options  = []string{"4672422", "4672423", "4672424", "4672425"}
	notes    = []string{"", "", "年底续约，联系人王经理", "需要开具增值税专用发票", "试用转正式", "  重要客户，优先响应  ",
		"合同编号 HT-2023-017", "对接人已更换，请确认新手机号", "=SUM 测试：以等号开头的备注"}
)

// sampleCompany is one row of the sample spreadsheets, by mapping field.
type sampleCompany map[string]string

// sampleCompanies returns the sample companies, the same on every call.
func sampleCompanies(n int) []sampleCompany {
	r := rand.New(rand.NewPCG(2024, 6))
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	day := func(from time.Time, maxDays int) time.Time { return from.AddDate(0, 0, r.IntN(maxDays)) }
	var out []sampleCompany
	for i := range n {
		b, t, c := brands[i%len(brands)], trades[(i*7+i/len(brands))%len(trades)], cities[r.IntN(len(cities))]
		name := c.city[:len(c.city)-len("市")] + b.zh + t.zh + "有限公司"
		account := fmt.Sprintf("%s_%s%02d", b.latin, t.latin, i+1)
		start := day(time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC), 7*365)
		row := sampleCompany{
			"companyName":        name,
			"servicestarttime":   start.Format(time.DateOnly),
			"serviceendtime":     start.AddDate(1+r.IntN(3), 0, -1).Format(time.DateOnly),
			"serveNote":          pick(notes),
			"serviceCharge":      strconv.FormatFloat(float64(r.IntN(2000000))/100, 'f', 2, 64),
			"serviceaccount":     account,
			"address":            fmt.Sprintf("%s%s%s%d号", c.city, c.district, pick(streets), 1+r.IntN(300)),
			"userGroup":          strconv.Itoa(1 + r.IntN(5)),
			"tableName":          pick(tags) + "，" + pick(tags[2:]),
			"province":           c.province,
			"city":               c.district,
			"status":             "未删除",
			"service_groupid":    fmt.Sprintf("%d,%d", 1+r.IntN(3), 4+r.IntN(3)),
			"custom.field_1":     c.province + "/" + c.city,
			"custom.field_2":     pick(levels),
			"custom.field_3":     []string{"是", "否"}[r.IntN(2)],
			"custom.gjfx":        options[r.IntN(2)] + "," + options[2+r.IntN(2)],
			"custom.expect_time": day(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 365).Format(time.DateOnly),
			"custom.products":    pick(products[:2]) + "," + pick(products[2:]),
			"userURL":            "https://www." + b.latin + "-" + t.latin + ".com.cn",
			"servicepassword":    "",
			"uId":                "",
			"createDT":           "",
			"updateDT":           "",
		}
		// Leave some cells empty, as real sheets do: every optional column has a few.
		switch i % 7 {
		case 1:
			row["userURL"], row["serviceendtime"] = "", ""
		case 3:
			row["custom.products"], row["custom.gjfx"] = "", ""
		case 5:
			row["tableName"], row["userGroup"], row["custom.expect_time"] = "", "", ""
		}
		if i%10 == 9 {
			row["status"] = "已删除" // a company that was closed: imported as deleted
		}
		if i%12 == 4 {
			row["servicepassword"] = fmt.Sprintf("Init#%04d", 1000+i)
		}
		out = append(out, row)
	}
	return out
}

// brokenCompanies returns the rows of broken.xlsx: each breaks one rule (said in its note),
// except the first two, which are good.
func brokenCompanies() []sampleCompany {
	good := sampleCompanies(2)
	bad := func(edit map[string]string) sampleCompany {
		row := sampleCompany{}
		for k, v := range good[0] {
			row[k] = v
		}
		for k, v := range edit {
			row[k] = v
		}
		return row
	}
	n := 0
	acct := func() string { n++; return fmt.Sprintf("broken_row%02d", n) }
	return []sampleCompany{
		good[0],
		good[1],
		bad(map[string]string{"companyName": "", "serviceaccount": acct()}),                                  // required
		bad(map[string]string{"servicestarttime": "2023-02-30", "serviceaccount": acct()}),                   // date
		bad(map[string]string{"userURL": "我们的官网", "serviceaccount": acct()}),                                 // url
		bad(map[string]string{"serviceCharge": "一百元", "serviceaccount": acct()}),                             // decimal
		bad(map[string]string{"serviceaccount": "张三 的账号"}),                                                   // pattern
		bad(map[string]string{"status": "正常", "serviceaccount": acct()}),                                     // enum
		bad(map[string]string{"custom.field_2": "VIP", "serviceaccount": acct()}),                            // values
		bad(map[string]string{"custom.field_3": "也许", "custom.expect_time": "明年", "serviceaccount": acct()}), // checkbox, date
		bad(map[string]string{"userGroup": "第一组", "serviceaccount": acct()}),                                 // int
		bad(map[string]string{"companyName": "重复账号的公司"}),                                                     // duplicate_key (good[0]'s account)
	}
}
