package station

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestReadManifest(t *testing.T) {
	want := "[{114-1 B0TEST0000 2 amzn1.account.A1} {114-2 B0TEST0002 1 amzn1.account.B2}]"
	for name, src := range map[string]string{
		"csv":         "order_id,asin,quantity,directed_customer_id\n114-1,B0TEST0000,2,amzn1.account.A1\n114-2,B0TEST0002,1,amzn1.account.B2\n",
		"csv columns": "\ufeffQuantity,Directed_Customer_ID,ASIN,Order_ID\r\n2,amzn1.account.A1,B0TEST0000,114-1\r\n1,amzn1.account.B2,B0TEST0002,114-2\r\n",
		"json array":  `[{"order_id":"114-1","asin":"B0TEST0000","quantity":2,"directed_customer_id":"amzn1.account.A1"},{"order_id":"114-2","asin":"B0TEST0002","quantity":1,"directed_customer_id":"amzn1.account.B2"}]`,
		"json object": "{\"orders\": [\n {\"order_id\":\"114-1\",\"asin\":\"B0TEST0000\",\"quantity\":2,\"directed_customer_id\":\"amzn1.account.A1\"},\n {\"order_id\":\"114-2\",\"asin\":\"B0TEST0002\",\"quantity\":1,\"directed_customer_id\":\"amzn1.account.B2\"}]}",
	} {
		got, err := ReadManifest(name, strings.NewReader(src))
		if err != nil || fmt.Sprint(got) != want {
			t.Errorf("%s: %v %v", name, got, err)
		}
	}
}

func TestManifestErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"order_id,asin,quantity\n1,A,1\n", `m:1: no "directed_customer_id" column`},
		{"order_id,asin,quantity,directed_customer_id\n1,A,1,C\n2,A,two,C\n", `m:3: quantity "two"`},
		{"order_id,asin,quantity,directed_customer_id\n1,A,1,C\n1,A,1,C\n", "m:3: order 1 given twice (first at line 2)"},
		{"order_id,asin,quantity,directed_customer_id\n1,A,0,C\n", "m:2: order 1: quantity 0"},
		{"order_id,asin,quantity,directed_customer_id\n1,,1,C\n", "m:2: order 1: no asin"},
		{"order_id,asin,quantity,directed_customer_id\n1,A,1,\"C\n", "m:2:"},
		{"[\n{\"order_id\":\"1\",\"asin\":\"A\",\"quantity\":1,\"directed_customer_id\":\"C\"},\n{\"order_id\":\"2\",\"asin\":\"A\",\"quantity\":\"x\"}]", "m:3:"},
		{"[\n{\"order_id\":\"1\",\"asin\":\"A\",\"quantity\":1,\"directed_customer_id\":\"C\",\"extra\":1}]", "unknown field"},
		{"[{\"order_id\":\"1\"", "m:1:"},
	} {
		_, err := ReadManifest("m", strings.NewReader(tc.src))
		var me *ManifestError
		if !errors.As(err, &me) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.src, err, tc.want)
		}
	}
}

func FuzzReadManifest(f *testing.F) {
	f.Add("order_id,asin,quantity,directed_customer_id\n1,A,1,C\n")
	f.Add(`{"orders":[{"order_id":"1","asin":"A","quantity":1,"directed_customer_id":"C"}]}`)
	f.Fuzz(func(t *testing.T, src string) {
		orders, err := ReadManifest("m", strings.NewReader(src))
		if err != nil {
			var me *ManifestError
			if !errors.As(err, &me) || me.Line < 1 {
				t.Fatalf("error %T %v has no place", err, err)
			}
			return
		}
		for _, o := range orders {
			if o.ID == "" || o.ASIN == "" || o.CustomerID == "" || o.Quantity <= 0 {
				t.Fatalf("accepted a bad order %+v", o)
			}
		}
	})
}
