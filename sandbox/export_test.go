package sandbox

// The names the black-box tests (package sandbox_test) need from inside the package: the
// shapes of answers and records, and the constants the vendor text fixes.
type (
	APIError     = apiError
	SearchPage   = searchPage
	SearchResult = searchResult
	PageJSON     = pageJSON
	PickJSON     = pickJSON
	Record       = record
)

const (
	FirstUID      = firstUID
	StatusDeleted = statusDeleted
)

var ChinaTime = chinaTime

// RegionFull is the full name of the seed's province, such as 北京市 for 北京, or "?".
func RegionFull(province string) string {
	for _, r := range regions {
		if r.province == province {
			return r.full
		}
	}
	return "?"
}
