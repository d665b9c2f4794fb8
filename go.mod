module github.com/ecsfleet/ecsfleet

go 1.26.8

require github.com/rogpeppe/go-internal v1.16.0

require (
	go.yaml.in/yaml/v3 v3.0.6 // indirect
	golang.org/x/sys v0.38.0 // indirect
	golang.org/x/time v0.16.0 // indirect
	golang.org/x/tools v0.38.0 // indirect
)
