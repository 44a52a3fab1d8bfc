package lang

// extensionRules says in Chinese what each rule of an extension configuration asks (the
// extension package's Rule values); its messages, with the details, stay English.
var extensionRules = map[string]string{
	"url":                "不是资产表扩展页面的网址",
	"unknown_param":      "帮我吧不认识这个参数，会被忽略",
	"duplicate_param":    "同一个参数写了两次",
	"table_required":     "缺少资产表：要有 tableId 或 tableName",
	"table_id":           "tableId 必须是正整数",
	"table_both":         "tableId 和 tableName 都写了：两者不一致时以 tableName 为准",
	"cpara_required":     "缺少 cPara（资产字段:公司字段）",
	"cpara_pair":         "cPara 的每一项要写成 资产字段:公司字段",
	"cpara_target":       "cPara 的目标必须是单行文本的公司自定义字段",
	"filter_pair":        "filter 的每一项要写成 字段:值",
	"owner_type":         "ownerType 只能是 contacter 或 company",
	"owner_without_type": "写了 owner 没写 ownerType：会显示所有行",
	"placeholder":        "占位符写错了或不认识",
	"placeholder_type":   "占位符和 ownerType 不是同一类（客户/公司）",
	"display":            "display 为空或有重复的列",
	"pick":               "pick 只能是 error、first 或 last",
}

// ExtensionRule says what an extension rule asks, in l; "" when English, whose messages say
// it already.
func (l Lang) ExtensionRule(rule string) string {
	if l == English {
		return ""
	}
	return extensionRules[rule]
}

// ExtensionWords are the words of an extension check's output, by key.
func (l Lang) ExtensionWords(key string) string {
	words := map[string][2]string{
		"error":       {"错误", "error"},
		"warning":     {"警告", "warning"},
		"fix":         {"改法", "fix"},
		"detail":      {"详情", ""},
		"ok":          {"检查通过：%d 个警告", "ok: %d warning(s)"},
		"table":       {"资产表", "table"},
		"fills":       {"填写", "fills"},
		"filter":      {"筛选", "filter"},
		"no filter":   {"筛选：无（显示所有行）", "filter: none (all rows)"},
		"contains":    {"包含", "contains"},
		"equals":      {"等于", "equals"},
		"display":     {"显示列", "display"},
		"all columns": {"显示列：全部", "display: all columns"},
		"url":         {"网址", "url"},
		"picked id":   {"_id（选中的资产的编号）", "_id (the picked asset's id)"},
		"wins":        {"（与 tableId %d 不一致时以 tableName 为准）", " (wins over tableId %d when they differ)"},
		"not checked": {"提示：没有对照映射文件检查 cPara 的目标；加 --mapping 映射文件 可以检查每个目标是不是 custom.<key> 文本列",
			"note: the cPara targets were not checked against a mapping; give --mapping M to check that each is a custom.<key> text column"},
	}
	w, ok := words[key]
	if !ok {
		return key
	}
	return l.Pick(w[0], w[1])
}
