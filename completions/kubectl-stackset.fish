# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_stackset_global_optspecs
    string join \n n/namespace= A/all-namespaces kubeconfig= context= cluster= user= as= as-group= request-timeout= color= v/verbose V/version h/help
end

function __fish_kubectl_stackset_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_stackset_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_stackset_using_subcommand
    set -l cmd (__fish_kubectl_stackset_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -s V -l version
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "get" -d 'Show one StackSet: who manages it, its status, and a row per stack'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "list" -d 'List StackSets with their traffic and status'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "ls" -d 'List StackSets with their traffic and status'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "status" -d 'Report whether a StackSet is healthy, or wait until it is; exit codes for CI'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "traffic" -d 'Show desired versus actual traffic per stack; `traffic set` changes it'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "rollback" -d 'Switch all traffic back to an older stack at once'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "history" -d 'Show the versions of a StackSet: images, creation time, when each last had traffic'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "create" -d 'Create a StackSet from flags; its first stack exists when the command returns'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "apply" -d 'Create or update StackSets from a YAML/JSON file (server-side apply)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "delete" -d 'Delete a StackSet; its stacks and their children follow by ownerReference'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "gc" -d 'Apply the stack lifecycle rules now: scale down idle stacks, delete excess ones'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "reconcile" -d 'Run the stackset-controller\'s reconciliation client-side, once or continuously'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "version" -d 'Print the plugin version'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "crd" -d 'Print the StackSet and Stack CustomResourceDefinitions'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "man" -d 'Print a man page, or write them all'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "completion" -d 'Print shell completion scripts, or set up `kubectl stackset <TAB>`'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "rollout" -d 'Roll out a new version step by step; status, pause, resume, promote, abort'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand get" -s o -l output -d 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
jsonpath=\t''
custom-columns=\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand get" -l interval -d 'With -w or --until: look again this often when nothing changes' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand get" -l controller-id -d 'The controller id that means "managed client-side" (as `reconcile --controller-id`)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand get" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand get" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand get" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand get" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand get" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand get" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand get" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand get" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand get" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand get" -s w -l watch -d 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand get" -l no-headers -d 'Omit the table headers'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand get" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand get" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -s l -l selector -d 'Only StackSets matching this label selector, e.g. team=checkout,tier!=batch' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -s o -l output -d 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
jsonpath=\t''
custom-columns=\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -l interval -d 'With -w or --until: look again this often when nothing changes' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -l controller-id -d 'The controller id that means "managed client-side" (as `reconcile --controller-id`)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -s w -l watch -d 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -l no-headers -d 'Omit the table headers'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -s l -l selector -d 'Only StackSets matching this label selector, e.g. team=checkout,tier!=batch' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -s o -l output -d 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
jsonpath=\t''
custom-columns=\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -l interval -d 'With -w or --until: look again this often when nothing changes' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -l controller-id -d 'The controller id that means "managed client-side" (as `reconcile --controller-id`)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -s w -l watch -d 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -l no-headers -d 'Omit the table headers'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -l until -d 'Wait until this holds (exit 0), the StackSet has errors (exit 4) or --timeout passes (exit 3)' -r -f -a "healthy\t'The current version\'s stack is ready, actual traffic equals desired traffic, and every stack with traffic is ready'
traffic-switched\t'Actual traffic equals desired traffic'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -l timeout -d 'How long --until waits; 0 waits forever' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -l interval -d 'With -w or --until: look again this often when nothing changes' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -s o -l output -d 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
jsonpath=\t''
custom-columns=\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -l controller-id -d 'The controller id that means "managed client-side"' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -s w -l watch -d 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -l no-headers -d 'Omit the table headers'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -s o -l output -d 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
jsonpath=\t''
custom-columns=\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -l interval -d 'With -w or --until: look again this often when nothing changes' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -l controller-id -d 'The controller id that means "managed client-side" (as `reconcile --controller-id`)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -s w -l watch -d 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -l no-headers -d 'Omit the table headers'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -a "set" -d 'Set desired weights; the stacks not named are rescaled in proportion'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and not __fish_seen_subcommand_from set help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l timeout -d 'How long to wait for the actual traffic to follow' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -s o -l output -d 'Output format: print the resulting StackSet instead' -r -f -a "json\t'The resulting object as JSON'
yaml\t'The resulting object as YAML'
name\t'`stackset.zalando.org/NAME`'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l dry-run -d 'Show what would change and change nothing' -r -f -a "client\t'Compute and print, send nothing'
server\t'Send everything with dryRun=All: validated and admitted, never stored'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l controller-id -d 'Our controller id, written to stackset-controller.zalando.org/controller' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l cluster-domain -d 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l traffic-mechanism -d 'Force a traffic mechanism (default: the StackSet\'s kubectl-stackset.io/traffic-mechanism annotation, else segments)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l sync-ingress-annotation -d 'Annotation synchronised onto every segment (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l exact -d 'Every stack must be named and the weights must add up to 100'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -s y -l yes -d 'Do not ask before moving a stack to 0% or 100%'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l no-wait -d 'Return once the change is written; do not wait for the traffic to follow'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l routegroups -d 'Manage Skipper RouteGroups (the controller\'s --enable-routegroup-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l configmap-support -d 'Adopt configMapRef ConfigMaps (--enable-configmap-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l secret-support -d 'Adopt secretRef Secrets (--enable-secret-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -l pcs-support -l enable-pcs-support -d 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from help" -f -a "set" -d 'Set desired weights; the stacks not named are rescaled in proportion'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand traffic; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l to -d 'The stack (name or version) to switch to [default: the one before the newest serving stack]' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l timeout -d 'How long to wait for the stack to be ready and the traffic to follow' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -s o -l output -d 'Output format: print the resulting StackSet instead' -r -f -a "json\t'The resulting object as JSON'
yaml\t'The resulting object as YAML'
name\t'`stackset.zalando.org/NAME`'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l dry-run -d 'Show what would change and change nothing' -r -f -a "client\t'Compute and print, send nothing'
server\t'Send everything with dryRun=All: validated and admitted, never stored'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l controller-id -d 'Our controller id, written to stackset-controller.zalando.org/controller' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l cluster-domain -d 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l traffic-mechanism -d 'Force a traffic mechanism (default: the StackSet\'s kubectl-stackset.io/traffic-mechanism annotation, else segments)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l sync-ingress-annotation -d 'Annotation synchronised onto every segment (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -s y -l yes -d 'Do not ask first'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l no-wait -d 'Return once the change is written; do not wait for the traffic to follow'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l routegroups -d 'Manage Skipper RouteGroups (the controller\'s --enable-routegroup-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l configmap-support -d 'Adopt configMapRef ConfigMaps (--enable-configmap-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l secret-support -d 'Adopt secretRef Secrets (--enable-secret-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -l pcs-support -l enable-pcs-support -d 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollback" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand history" -s o -l output -d 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
jsonpath=\t''
custom-columns=\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand history" -l interval -d 'With -w or --until: look again this often when nothing changes' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand history" -l controller-id -d 'The controller id that means "managed client-side" (as `reconcile --controller-id`)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand history" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand history" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand history" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand history" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand history" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand history" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand history" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand history" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand history" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand history" -s w -l watch -d 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand history" -l no-headers -d 'Omit the table headers'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand history" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand history" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l image -d 'Container image of the first stack' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l version -d 'Version of the stack; the stack is named NAME-VERSION' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l host -d 'Public hostname routed to the StackSet (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l port -d 'Container and backend port' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l replicas -d 'Replicas per stack (without --autoscale)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l autoscale -d 'Autoscale each stack: MIN:MAX, optionally with targets, e.g. 2:10,cpu=70,memory=80' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -s o -l output -d 'Output format: print the resulting StackSet instead' -r -f -a "json\t'The resulting object as JSON'
yaml\t'The resulting object as YAML'
name\t'`stackset.zalando.org/NAME`'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l dry-run -d 'Show what would change and change nothing' -r -f -a "client\t'Compute and print, send nothing'
server\t'Send everything with dryRun=All: validated and admitted, never stored'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l controller-id -d 'Our controller id, written to stackset-controller.zalando.org/controller' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l cluster-domain -d 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l traffic-mechanism -d 'Force a traffic mechanism (default: the StackSet\'s kubectl-stackset.io/traffic-mechanism annotation, else segments)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l sync-ingress-annotation -d 'Annotation synchronised onto every segment (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l controller-managed -d 'Leave the StackSet to the in-cluster stackset-controller'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l routegroups -d 'Manage Skipper RouteGroups (the controller\'s --enable-routegroup-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l configmap-support -d 'Adopt configMapRef ConfigMaps (--enable-configmap-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l secret-support -d 'Adopt secretRef Secrets (--enable-secret-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -l pcs-support -l enable-pcs-support -d 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -s f -l filename -d 'YAML or JSON file with one or more StackSets, a directory of them (*.yaml, *.yml, *.json), or `-` for stdin (repeatable)' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -s o -l output -d 'Output format: print the resulting StackSet instead' -r -f -a "json\t'The resulting object as JSON'
yaml\t'The resulting object as YAML'
name\t'`stackset.zalando.org/NAME`'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -l dry-run -d 'Show what would change and change nothing' -r -f -a "client\t'Compute and print, send nothing'
server\t'Send everything with dryRun=All: validated and admitted, never stored'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -l controller-id -d 'Our controller id, written to stackset-controller.zalando.org/controller' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -l cluster-domain -d 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -l traffic-mechanism -d 'Force a traffic mechanism (default: the StackSet\'s kubectl-stackset.io/traffic-mechanism annotation, else segments)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -l sync-ingress-annotation -d 'Annotation synchronised onto every segment (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -s R -l recursive -d 'With a directory, also read its subdirectories'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -l routegroups -d 'Manage Skipper RouteGroups (the controller\'s --enable-routegroup-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -l configmap-support -d 'Adopt configMapRef ConfigMaps (--enable-configmap-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -l secret-support -d 'Adopt secretRef Secrets (--enable-secret-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -l pcs-support -l enable-pcs-support -d 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -l timeout -d 'How long --wait waits' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -s o -l output -d 'Output format: print the resulting StackSet instead' -r -f -a "json\t'The resulting object as JSON'
yaml\t'The resulting object as YAML'
name\t'`stackset.zalando.org/NAME`'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -l dry-run -d 'Show what would change and change nothing' -r -f -a "client\t'Compute and print, send nothing'
server\t'Send everything with dryRun=All: validated and admitted, never stored'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -s y -l yes -d 'Do not ask first'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -l ignore-not-found -d 'Succeed when the StackSet does not exist'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -l wait -d 'Wait until the StackSet\'s stacks are gone too'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -s o -l output -d 'Output format: print the resulting StackSet instead' -r -f -a "json\t'The resulting object as JSON'
yaml\t'The resulting object as YAML'
name\t'`stackset.zalando.org/NAME`'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -l dry-run -d 'Show what would change and change nothing' -r -f -a "client\t'Compute and print, send nothing'
server\t'Send everything with dryRun=All: validated and admitted, never stored'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -l controller-id -d 'Our controller id, written to stackset-controller.zalando.org/controller' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -l cluster-domain -d 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -l traffic-mechanism -d 'Force a traffic mechanism (default: the StackSet\'s kubectl-stackset.io/traffic-mechanism annotation, else segments)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -l sync-ingress-annotation -d 'Annotation synchronised onto every segment (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -s y -l yes -d 'Do not ask before deleting stacks'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -l routegroups -d 'Manage Skipper RouteGroups (the controller\'s --enable-routegroup-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -l configmap-support -d 'Adopt configMapRef ConfigMaps (--enable-configmap-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -l secret-support -d 'Adopt secretRef Secrets (--enable-secret-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -l pcs-support -l enable-pcs-support -d 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand gc" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l dry-run -d 'Show what would change and change nothing' -r -f -a "client\t'Compute and print, send nothing'
server\t'Send everything with dryRun=All: validated and admitted, never stored'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l interval -d 'With -w: look again this often at a StackSet with work left; one with none waits for a change' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l workers -d 'With --watch: StackSets reconciled at the same time (upstream\'s --reconcile-workers)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l metrics-address -d 'With --watch: serve /healthz, /readyz and Prometheus /metrics on this address (e.g. :8080)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l leader-election-namespace -d 'Namespace of the leader Lease (default: the Pod\'s namespace, else the current one)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l leader-election-id -d 'Name of the leader Lease' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l lease-duration -d 'How long a standby waits after the leader\'s last renewal before taking over' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l controller-id -d 'Our controller id, written to stackset-controller.zalando.org/controller' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l cluster-domain -d 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l traffic-mechanism -d 'Force a traffic mechanism (default: the StackSet\'s kubectl-stackset.io/traffic-mechanism annotation, else segments)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l sync-ingress-annotation -d 'Annotation synchronised onto every segment (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l all -d 'Every StackSet in the namespace that kubectl-stackset manages'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l diff -d 'Print kubectl-style diffs; exit 0 no change, 1 changes, >1 an error'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -s w -l watch -d 'Keep reconciling (controller mode): on every change, when a TTL or rollout step falls due, and every --interval while there is work left'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l claim -d 'Take over StackSets that the in-cluster controller (or another id) manages'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l no-events -d 'Do not publish Kubernetes events'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l leader-elect -d 'With --watch: run only while holding a coordination.k8s.io Lease, so several replicas can run and exactly one reconciles'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l routegroups -d 'Manage Skipper RouteGroups (the controller\'s --enable-routegroup-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l configmap-support -d 'Adopt configMapRef ConfigMaps (--enable-configmap-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l secret-support -d 'Adopt secretRef Secrets (--enable-secret-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l pcs-support -l enable-pcs-support -d 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand version" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand version" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand version" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand version" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand version" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand version" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand version" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand version" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand version" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand version" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand version" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -l with-routegroup -d 'Also print Skipper\'s RouteGroup CRD (for clusters without Skipper\'s own)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -l output-dir -d 'Write every page into DIR instead of printing one' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -l output-dir -d 'Write the script of every shell into DIR instead of printing one' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -l kubectl-helper -d 'Create kubectl_complete-stackset, which kubectl 1.26+ runs to complete `kubectl stackset`, in DIR (default: the directory of this plugin)' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l version -d 'Version of the stack; the stack is named NAME-VERSION' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l image -d 'Container image of the new stack (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -s f -l filename -d 'Take the StackSet spec from a file (`-`: stdin)' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l steps -d 'Weights of the new stack, step by step [default: 10,25,50,100]' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l step-weight -d 'Percent added to the new stack per step (instead of --steps)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l step-interval -d 'How long each step is held once the traffic reached it' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l ready-timeout -d 'How long the new stack may take to become ready' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l step-timeout -d 'How long the traffic may take to follow a step' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l timeout -d 'How long the whole rollout may take (0: no limit)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l on-failure -d 'What a failed step does' -r -f -a "abort\t'Restore the weights from before the rollout'
pause\t'Keep the weights where they are and pause; resume or abort later'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -s o -l output -d 'Output format: print the resulting StackSet instead' -r -f -a "json\t'The resulting object as JSON'
yaml\t'The resulting object as YAML'
name\t'`stackset.zalando.org/NAME`'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l dry-run -d 'Show what would change and change nothing' -r -f -a "client\t'Compute and print, send nothing'
server\t'Send everything with dryRun=All: validated and admitted, never stored'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l controller-id -d 'Our controller id, written to stackset-controller.zalando.org/controller' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l cluster-domain -d 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l traffic-mechanism -d 'Force a traffic mechanism (default: the StackSet\'s kubectl-stackset.io/traffic-mechanism annotation, else segments)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l sync-ingress-annotation -d 'Annotation synchronised onto every segment (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -s y -l yes -d 'Do not ask before each step'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l routegroups -d 'Manage Skipper RouteGroups (the controller\'s --enable-routegroup-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l configmap-support -d 'Adopt configMapRef ConfigMaps (--enable-configmap-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l secret-support -d 'Adopt secretRef Secrets (--enable-secret-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -l pcs-support -l enable-pcs-support -d 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -a "pause" -d 'Hold the rollout at its current step'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -a "resume" -d 'Let a paused or abandoned rollout continue, driven from this terminal (or by the driver that holds it; --no-wait: leave it to `reconcile --watch`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -a "promote" -d 'Apply the next step now (or, with --full, the target)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -a "abort" -d 'Stop the rollout and restore the weights from before it'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -a "status" -d 'Show the recorded rollout: plan, current step, per-stack traffic'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and not __fish_seen_subcommand_from pause resume promote abort status help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s o -l output -d 'Output format: print the resulting StackSet instead' -r -f -a "json\t'The resulting object as JSON'
yaml\t'The resulting object as YAML'
name\t'`stackset.zalando.org/NAME`'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l dry-run -d 'Show what would change and change nothing' -r -f -a "client\t'Compute and print, send nothing'
server\t'Send everything with dryRun=All: validated and admitted, never stored'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l timeout -d 'How long the rest of the rollout may take (0: no limit; it stays recorded when this runs out)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s o -l output -d 'Output format: print the resulting StackSet instead' -r -f -a "json\t'The resulting object as JSON'
yaml\t'The resulting object as YAML'
name\t'`stackset.zalando.org/NAME`'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l dry-run -d 'Show what would change and change nothing' -r -f -a "client\t'Compute and print, send nothing'
server\t'Send everything with dryRun=All: validated and admitted, never stored'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l controller-id -d 'Our controller id, written to stackset-controller.zalando.org/controller' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l cluster-domain -d 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l traffic-mechanism -d 'Force a traffic mechanism (default: the StackSet\'s kubectl-stackset.io/traffic-mechanism annotation, else segments)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l sync-ingress-annotation -d 'Annotation synchronised onto every segment (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s y -l yes -d 'Do not ask before each step'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l no-wait -d 'Return once the change is written; do not wait for the traffic to follow'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l routegroups -d 'Manage Skipper RouteGroups (the controller\'s --enable-routegroup-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l configmap-support -d 'Adopt configMapRef ConfigMaps (--enable-configmap-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l secret-support -d 'Adopt secretRef Secrets (--enable-secret-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l pcs-support -l enable-pcs-support -d 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l timeout -d 'How long to wait for the actual traffic to follow' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -s o -l output -d 'Output format: print the resulting StackSet instead' -r -f -a "json\t'The resulting object as JSON'
yaml\t'The resulting object as YAML'
name\t'`stackset.zalando.org/NAME`'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l dry-run -d 'Show what would change and change nothing' -r -f -a "client\t'Compute and print, send nothing'
server\t'Send everything with dryRun=All: validated and admitted, never stored'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l controller-id -d 'Our controller id, written to stackset-controller.zalando.org/controller' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l cluster-domain -d 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l traffic-mechanism -d 'Force a traffic mechanism (default: the StackSet\'s kubectl-stackset.io/traffic-mechanism annotation, else segments)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l sync-ingress-annotation -d 'Annotation synchronised onto every segment (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l full -d 'Skip the remaining steps: the new stack gets 100% now'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -s y -l yes -d 'Do not ask before moving a stack to 0% or 100%'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l no-wait -d 'Return once the change is written; do not wait for the traffic to follow'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l routegroups -d 'Manage Skipper RouteGroups (the controller\'s --enable-routegroup-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l configmap-support -d 'Adopt configMapRef ConfigMaps (--enable-configmap-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l secret-support -d 'Adopt secretRef Secrets (--enable-secret-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -l pcs-support -l enable-pcs-support -d 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from promote" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l timeout -d 'How long to wait for the actual traffic to follow' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -s o -l output -d 'Output format: print the resulting StackSet instead' -r -f -a "json\t'The resulting object as JSON'
yaml\t'The resulting object as YAML'
name\t'`stackset.zalando.org/NAME`'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l dry-run -d 'Show what would change and change nothing' -r -f -a "client\t'Compute and print, send nothing'
server\t'Send everything with dryRun=All: validated and admitted, never stored'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l controller-id -d 'Our controller id, written to stackset-controller.zalando.org/controller' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l cluster-domain -d 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l traffic-mechanism -d 'Force a traffic mechanism (default: the StackSet\'s kubectl-stackset.io/traffic-mechanism annotation, else segments)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l sync-ingress-annotation -d 'Annotation synchronised onto every segment (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -s y -l yes -d 'Do not ask first'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l no-wait -d 'Return once the change is written; do not wait for the traffic to follow'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l routegroups -d 'Manage Skipper RouteGroups (the controller\'s --enable-routegroup-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l configmap-support -d 'Adopt configMapRef ConfigMaps (--enable-configmap-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l secret-support -d 'Adopt secretRef Secrets (--enable-secret-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -l pcs-support -l enable-pcs-support -d 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from abort" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format' -r -f -a "table\t'A summary and a per-stack table'
json\t'The persisted rollout record and the stacks, as JSON'
yaml\t'The same as YAML'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l interval -d 'With -w or --until: look again this often when nothing changes' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l controller-id -d 'Our controller id, written to stackset-controller.zalando.org/controller' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l cluster-domain -d 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l traffic-mechanism -d 'Force a traffic mechanism (default: the StackSet\'s kubectl-stackset.io/traffic-mechanism annotation, else segments)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l sync-ingress-annotation -d 'Annotation synchronised onto every segment (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l as -d 'Username to impersonate for the operation' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l request-timeout -d 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l color -d 'When to use colours' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -s w -l watch -d 'Keep watching: print the status again whenever it changes. Ctrl-C stops (exit 130)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l no-headers -d 'Omit the table headers'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l routegroups -d 'Manage Skipper RouteGroups (the controller\'s --enable-routegroup-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l configmap-support -d 'Adopt configMapRef ConfigMaps (--enable-configmap-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l secret-support -d 'Adopt secretRef Secrets (--enable-secret-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -l pcs-support -l enable-pcs-support -d 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More logging on stderr: -v, -vv (HTTP requests), or kubectl\'s -v=N'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Hold the rollout at its current step'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Let a paused or abandoned rollout continue, driven from this terminal (or by the driver that holds it; --no-wait: leave it to `reconcile --watch`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "promote" -d 'Apply the next step now (or, with --full, the target)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "abort" -d 'Stop the rollout and restore the weights from before it'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show the recorded rollout: plan, current step, per-stack traffic'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from get list status traffic rollback history create apply delete gc reconcile version crd man completion rollout help" -f -a "get" -d 'Show one StackSet: who manages it, its status, and a row per stack'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from get list status traffic rollback history create apply delete gc reconcile version crd man completion rollout help" -f -a "list" -d 'List StackSets with their traffic and status'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from get list status traffic rollback history create apply delete gc reconcile version crd man completion rollout help" -f -a "status" -d 'Report whether a StackSet is healthy, or wait until it is; exit codes for CI'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from get list status traffic rollback history create apply delete gc reconcile version crd man completion rollout help" -f -a "traffic" -d 'Show desired versus actual traffic per stack; `traffic set` changes it'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from get list status traffic rollback history create apply delete gc reconcile version crd man completion rollout help" -f -a "rollback" -d 'Switch all traffic back to an older stack at once'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from get list status traffic rollback history create apply delete gc reconcile version crd man completion rollout help" -f -a "history" -d 'Show the versions of a StackSet: images, creation time, when each last had traffic'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from get list status traffic rollback history create apply delete gc reconcile version crd man completion rollout help" -f -a "create" -d 'Create a StackSet from flags; its first stack exists when the command returns'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from get list status traffic rollback history create apply delete gc reconcile version crd man completion rollout help" -f -a "apply" -d 'Create or update StackSets from a YAML/JSON file (server-side apply)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from get list status traffic rollback history create apply delete gc reconcile version crd man completion rollout help" -f -a "delete" -d 'Delete a StackSet; its stacks and their children follow by ownerReference'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from get list status traffic rollback history create apply delete gc reconcile version crd man completion rollout help" -f -a "gc" -d 'Apply the stack lifecycle rules now: scale down idle stacks, delete excess ones'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from get list status traffic rollback history create apply delete gc reconcile version crd man completion rollout help" -f -a "reconcile" -d 'Run the stackset-controller\'s reconciliation client-side, once or continuously'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from get list status traffic rollback history create apply delete gc reconcile version crd man completion rollout help" -f -a "version" -d 'Print the plugin version'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from get list status traffic rollback history create apply delete gc reconcile version crd man completion rollout help" -f -a "crd" -d 'Print the StackSet and Stack CustomResourceDefinitions'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from get list status traffic rollback history create apply delete gc reconcile version crd man completion rollout help" -f -a "man" -d 'Print a man page, or write them all'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from get list status traffic rollback history create apply delete gc reconcile version crd man completion rollout help" -f -a "completion" -d 'Print shell completion scripts, or set up `kubectl stackset <TAB>`'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from get list status traffic rollback history create apply delete gc reconcile version crd man completion rollout help" -f -a "rollout" -d 'Roll out a new version step by step; status, pause, resume, promote, abort'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from get list status traffic rollback history create apply delete gc reconcile version crd man completion rollout help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and __fish_seen_subcommand_from traffic" -f -a "set" -d 'Set desired weights; the stacks not named are rescaled in proportion'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "pause" -d 'Hold the rollout at its current step'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "resume" -d 'Let a paused or abandoned rollout continue, driven from this terminal (or by the driver that holds it; --no-wait: leave it to `reconcile --watch`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "promote" -d 'Apply the next step now (or, with --full, the target)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "abort" -d 'Stop the rollout and restore the weights from before it'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "status" -d 'Show the recorded rollout: plan, current step, per-stack traffic'

# Dynamic completion (kubectl-stackset): StackSet names, stack versions,
# namespaces and contexts come from `kubectl-stackset __complete_dynamic`
# (kubectl's plugin-completion protocol); subcommands and flags come from the
# static lines above. One query per command line and second, shared by the
# condition (no file names where the directive says so) and the candidates.
function __kubectl_stackset_query
    set -l key (commandline -cp)(date +%s)
    test "$key" = "$__kubectl_stackset_key"; and return
    set -g __kubectl_stackset_key $key
    set -l tokens (commandline -opc)
    set -g __kubectl_stackset_out (command $tokens[1] __complete_dynamic $tokens[2..-1] (commandline -ct) 2>/dev/null)
    or set -g __kubectl_stackset_out
end
function __kubectl_stackset_no_files
    __kubectl_stackset_query
    set -q __kubectl_stackset_out[1]; or return 1
    set -l directive (string replace -r -- '^:' '' $__kubectl_stackset_out[-1])
    string match -qr -- '^[0-9]+$' $directive; or return 1
    test (math "bitand($directive, 4)") -ne 0
end
function __kubectl_stackset_dynamic
    __kubectl_stackset_query
    set -l n (count $__kubectl_stackset_out)
    test $n -gt 1; or return
    string match -q -- ':*' $__kubectl_stackset_out[-1]; or return
    printf '%s\n' $__kubectl_stackset_out[1..(math $n - 1)]
end
complete -c kubectl-stackset -n __kubectl_stackset_no_files -f
complete -c kubectl-stackset -a '(__kubectl_stackset_dynamic)'
complete -c kubectl-stackset -s n -l namespace -x -a '(__kubectl_stackset_dynamic)'
complete -c kubectl-stackset -l context -x -a '(__kubectl_stackset_dynamic)'
complete -c kubectl-stackset -l cluster -x -a '(__kubectl_stackset_dynamic)'
complete -c kubectl-stackset -l user -x -a '(__kubectl_stackset_dynamic)'
complete -c kubectl-stackset -l to -x -a '(__kubectl_stackset_dynamic)'
complete -c kubectl-stackset -l image -x -a '(__kubectl_stackset_dynamic)'
