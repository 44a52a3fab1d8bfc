package mapping

import "github.com/bangwo8-etl/bangwo8-etl/bangwo8"

type (
	bangwoValue = bangwo8.FieldValue
	inputHolder struct{ in bangwo8.CompanyInput }
)

func textValue(s string) bangwo8.FieldValue { return bangwo8.Text(s) }
