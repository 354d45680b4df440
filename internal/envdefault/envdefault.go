// Package envdefault gives a configuration built in code the defaults that its struct's envDefault tags
// give it when read from the environment (github.com/caarlos0/env), so that every default is written
// once, in its tag.
package envdefault

import (
	"fmt"
	"reflect"

	"github.com/caarlos0/env/v11"
)

// Fill sets each zero field of *cfg to the default its envDefault tag declares, in nested structs too,
// and leaves the fields that are set as they are. A field tagged `zero:"valid"` keeps its zero value:
// there zero is a setting (RETRY_MAX=0, no retries), not a field left unset, and filling it would also
// undo the setting read from the environment. Fill panics if a tag does not parse, a mistake in the
// struct's declaration that any test calling Fill on it reveals.
func Fill[T any](cfg *T) {
	defaults, err := env.ParseAsWithOptions[T](env.Options{Environment: map[string]string{}})
	if err != nil {
		panic(fmt.Sprintf("envdefault: the defaults of %T do not parse: %v", *cfg, err))
	}
	fill(reflect.ValueOf(cfg).Elem(), reflect.ValueOf(defaults))
}

// fill copies the fields of defaults into the zero fields of dst, struct by struct.
func fill(dst, defaults reflect.Value) {
	for i := range dst.NumField() {
		field := dst.Type().Field(i)
		switch {
		case !field.IsExported() || field.Tag.Get("zero") == "valid":
		case field.Type.Kind() == reflect.Struct && field.Tag.Get("env") == "":
			fill(dst.Field(i), defaults.Field(i))
		case dst.Field(i).IsZero():
			dst.Field(i).Set(defaults.Field(i))
		}
	}
}
