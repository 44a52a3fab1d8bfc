// Package field is the vendor's table of a company's documented fields: each field once, with
// its JSON key, the Chinese label of the vendor's table, its kind and whether a client may
// write it. It imports nothing but the standard library, so that a package which only needs
// the names (the extension checker, the sandbox through it) does not link the API client.
package field

// Key is the JSON key of a documented company field.
type Key string

// The documented fields, in the vendor's order.
const (
	UID              Key = "uId"
	URL              Key = "url"
	CompanyName      Key = "companyName"
	SupportID        Key = "supportId"
	ServiceStartTime Key = "servicestarttime"
	ServiceEndTime   Key = "serviceendtime"
	UserURL          Key = "userURL"
	ServeNote        Key = "serveNote"
	ServiceCharge    Key = "serviceCharge"
	ServiceAccount   Key = "serviceaccount"
	ServicePassword  Key = "servicepassword"
	Address          Key = "address"
	CreateDT         Key = "createDT"
	UpdateDT         Key = "updateDT"
	CustomFields     Key = "custom_fields"
	UserGroup        Key = "userGroup"
	TableName        Key = "tableName"
	Province         Key = "province"
	City             Key = "city"
	Status           Key = "status"
	ServiceGroupID   Key = "service_groupid"
)

// Kind is what a field holds, as the vendor's table and examples describe it.
type Kind int

const (
	Text     Kind = iota // a string
	Int                  // an integer id or group; arrives as a number or a string, "" is 0
	Enum                 // an integer code with labels (status: 1 未删除, 2 已删除)
	Date                 // a date string, "2012-01-01"; "0000-00-00" is none
	DateTime             // a date and time string, "2018-02-03 00:00:00"
	Decimal              // a decimal amount kept as a string ("0.00")
	List                 // a string of comma-separated values (tags, group ids)
	Custom               // the custom fields: a list of key and value
)

// Integer reports whether a field of kind k holds an integer (Int or Enum).
func (k Kind) Integer() bool { return k == Int || k == Enum }

// Info describes one documented field.
type Info struct {
	Key       Key
	Label     string // the vendor's Chinese label
	Kind      Kind
	ReadOnly  bool // assigned by the service; a client never writes it
	Sensitive bool // never shown in reports or logs
}

// table is every documented field once, in the vendor's order. It is never changed: All
// returns a copy.
var table = [...]Info{
	{Key: UID, Label: "公司ID", Kind: Int, ReadOnly: true},
	{Key: URL, Label: "资源URL", Kind: Text, ReadOnly: true},
	{Key: CompanyName, Label: "公司名称", Kind: Text},
	{Key: SupportID, Label: "负责客服ID", Kind: Int, ReadOnly: true},
	{Key: ServiceStartTime, Label: "服务开始时间", Kind: Date},
	{Key: ServiceEndTime, Label: "服务结束时间", Kind: Date},
	{Key: UserURL, Label: "公司网址", Kind: Text},
	{Key: ServeNote, Label: "备注", Kind: Text},
	{Key: ServiceCharge, Label: "服务费余额", Kind: Decimal},
	{Key: ServiceAccount, Label: "服务账号", Kind: Text},
	{Key: ServicePassword, Label: "服务密码", Kind: Text, Sensitive: true},
	{Key: Address, Label: "公司地址", Kind: Text},
	{Key: CreateDT, Label: "创建时间", Kind: DateTime, ReadOnly: true},
	{Key: UpdateDT, Label: "更新时间", Kind: DateTime, ReadOnly: true},
	{Key: CustomFields, Label: "公司自定义字段", Kind: Custom},
	{Key: UserGroup, Label: "公司所属分组", Kind: Int},
	{Key: TableName, Label: "标签", Kind: List},
	{Key: Province, Label: "省份/城市", Kind: Text},
	{Key: City, Label: "城市/区", Kind: Text},
	{Key: Status, Label: "状态", Kind: Enum},
	{Key: ServiceGroupID, Label: "受理客服组", Kind: List},
}

// All returns the documented fields in the vendor's order.
func All() []Info {
	out := table
	return out[:]
}

// Lookup returns the documented field named by its JSON key (exact case).
func Lookup(key Key) (Info, bool) {
	for _, f := range table {
		if f.Key == key {
			return f, true
		}
	}
	return Info{}, false
}
