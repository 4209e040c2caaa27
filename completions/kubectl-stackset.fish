# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_stackset_global_optspecs
    string join \n n/namespace= A/all-namespaces kubeconfig= context= cluster= user= as= as-group= request-timeout= color= v/verbose h/help V/version
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
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
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
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -s v -l verbose -d 'More logging on stderr (-v debug, -vv trace)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "crd" -d 'Print the StackSet and Stack CustomResourceDefinitions'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "reconcile" -d 'Run the stackset-controller\'s reconciliation client-side, once or continuously'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "version" -d 'Print the plugin version'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "completion" -d 'Print shell completion scripts, or set up `kubectl stackset <TAB>`'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "man" -d 'Print a man page, or write them all'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
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
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -s v -l verbose -d 'More logging on stderr (-v debug, -vv trace)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand crd" -s V -l version -d 'Print version'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l dry-run -d 'Print the ordered plan with reasons and change nothing' -r -f -a "client\t'Compute and print, send nothing'
server\t'Send everything with dryRun=All: validated and admitted, never stored'"
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l interval -d 'Resync period with --watch' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l controller-id -d 'Our controller id, written to stackset-controller.zalando.org/controller' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l cluster-domain -d 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l traffic-mechanism -d 'Force a traffic mechanism (default: the StackSet\'s kubectl-stackset.io/traffic-mechanism annotation, else segments)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l sync-ingress-annotation -d 'Annotation synchronised onto every segment (repeatable)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
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
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l diff -d 'Print kubectl-style diffs; exit 0 when nothing would change, 1 when something would'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -s w -l watch -d 'Keep reconciling, on every change and at least every --interval'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l claim -d 'Take over StackSets that the in-cluster controller (or another id) manages'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l no-events -d 'Do not publish Kubernetes events'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l routegroups -d 'Manage Skipper RouteGroups (the controller\'s --enable-routegroup-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l configmap-support -d 'Adopt configMapRef ConfigMaps (--enable-configmap-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -l secret-support -d 'Adopt secretRef Secrets (--enable-secret-support)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -s A -l all-namespaces -d 'Work across all namespaces (read commands and `reconcile`)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -s v -l verbose -d 'More logging on stderr (-v debug, -vv trace)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand reconcile" -s V -l version -d 'Print version'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand version" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand version" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
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
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand version" -s v -l verbose -d 'More logging on stderr (-v debug, -vv trace)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand version" -s V -l version -d 'Print version'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -l output-dir -d 'Write the script of every shell into DIR instead of printing one' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -l kubectl-helper -d 'Create kubectl_complete-stackset, which kubectl 1.26+ runs to complete `kubectl stackset`, in DIR (default: the directory of this plugin)' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
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
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -s v -l verbose -d 'More logging on stderr (-v debug, -vv trace)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand completion" -s V -l version -d 'Print version'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -l output-dir -d 'Write every page into DIR instead of printing one' -r -F
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -s n -l namespace -d 'Namespace (default: the kubeconfig context\'s namespace)' -r
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
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
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -s v -l verbose -d 'More logging on stderr (-v debug, -vv trace)'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand man" -s V -l version -d 'Print version'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from crd reconcile version completion man help" -f -a "crd" -d 'Print the StackSet and Stack CustomResourceDefinitions'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from crd reconcile version completion man help" -f -a "reconcile" -d 'Run the stackset-controller\'s reconciliation client-side, once or continuously'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from crd reconcile version completion man help" -f -a "version" -d 'Print the plugin version'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from crd reconcile version completion man help" -f -a "completion" -d 'Print shell completion scripts, or set up `kubectl stackset <TAB>`'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from crd reconcile version completion man help" -f -a "man" -d 'Print a man page, or write them all'
complete -c kubectl-stackset -n "__fish_kubectl_stackset_using_subcommand help; and not __fish_seen_subcommand_from crd reconcile version completion man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'

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
