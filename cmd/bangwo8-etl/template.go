package main

import "github.com/spf13/cobra"

func newTemplateCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "template", Hidden: true}
}
