package importer

import (
	"encoding/binary"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// keeper keeps of an existing company what a plan of its mapping reads, packed into one
// string: its id, name, account and status (to name and tell it), and the fields the
// mapping's columns carry (to compare a row with; a cPara target of the extension is one of
// them). The rest (other fields, custom fields no column maps, the vendor's undocumented
// fields) is dropped as the company arrives. An import of 100,000 rows holds 100,000 of
// them; a bangwo8.Company of the seeded account took about 5 KB whole, 1 KB cut down to the
// mapped fields, and takes about 400 bytes packed.
type keeper struct {
	documented []field.Key
	custom     map[string]bool
}

// packed is a company as keeper.pack leaves it, in one string (no pointer of its own to
// hold, nor to scan): its id and status (varints), then, each prefixed with its length
// (uvarint), the name, the account, each documented field of the keeper in its order, and
// for each custom field kept its key, a kind (0 text, 1 list), the number of its elements and
// each element (a text has one).
type packed string

// uid is the company's id, without unpacking the rest.
func (p packed) uid() int64 {
	id, _ := binary.Varint([]byte(p[:min(len(p), binary.MaxVarintLen64)]))
	return id
}

func keeperOf(m *mapping.Mapping) *keeper {
	k := &keeper{custom: map[string]bool{}}
	for _, col := range m.Columns {
		if key, ok := col.CustomKey(); ok {
			k.custom[key] = true
		} else if f := field.Key(col.Field); f != field.UID && f != field.CompanyName && f != field.ServiceAccount && f != field.Status {
			k.documented = append(k.documented, f)
		}
	}
	return k
}

func (k *keeper) pack(c *bangwo8.Company) packed {
	b := binary.AppendVarint(nil, c.UID)
	b = binary.AppendVarint(b, int64(c.Status))
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	str(c.CompanyName)
	str(c.ServiceAccount)
	for _, f := range k.documented {
		v, _ := c.Get(f)
		str(v)
	}
	for _, cf := range c.CustomFields {
		if !k.custom[cf.Key] {
			continue
		}
		str(cf.Key)
		elems := []string{cf.Value.String()}
		if cf.Value.IsList() {
			b = append(b, 1)
			elems = cf.Value.Strings()
		} else {
			b = append(b, 0)
		}
		b = binary.AppendUvarint(b, uint64(len(elems)))
		for _, e := range elems {
			str(e)
		}
	}
	// One allocation of its own: nothing of the answer's page is kept.
	return packed(b)
}

func (k *keeper) unpack(p packed) *bangwo8.Company {
	d := string(p)
	varint := func() int64 {
		n, w := binary.Varint([]byte(d[:min(len(d), binary.MaxVarintLen64)]))
		d = d[w:]
		return n
	}
	uid, status := varint(), int(varint())
	str := func() string {
		n, w := binary.Uvarint([]byte(d[:min(len(d), binary.MaxVarintLen64)]))
		s := d[w : w+int(n)]
		d = d[w+int(n):]
		return s
	}
	c := &bangwo8.Company{UID: uid, Status: status, CompanyName: str(), ServiceAccount: str()}
	for _, f := range k.documented {
		if v := str(); v != "" {
			_ = c.Set(f, v) // packed from a field of the same kind
		}
	}
	for d != "" {
		key := str()
		list := d[0] == 1
		d = d[1:]
		n, w := binary.Uvarint([]byte(d[:min(len(d), binary.MaxVarintLen64)]))
		d = d[w:]
		elems := make([]string, n)
		for i := range elems {
			elems[i] = str()
		}
		v := bangwo8.Text(strings.Join(elems, ""))
		if list {
			v = bangwo8.List(elems...)
		}
		c.CustomFields = append(c.CustomFields, bangwo8.CustomField{Key: key, Value: v})
	}
	return c
}
